package sgwarden.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

import sgwarden.change.SecurityGroupChange;
import sgwarden.policy.Action;
import sgwarden.policy.Match;
import sgwarden.policy.PeerKind;
import sgwarden.policy.Policy;
import sgwarden.policy.RuleVerdict;
import sgwarden.policy.Verdict;

/** What the message says when the group's tags could not be read and a policy on tags was not applied. */
class PolicyMessagesTest {

    static final Policy PROD = new Policy("prod-quarantined", Match.ANY, Action.QUARANTINE, false, null, 3);

    @Test
    void theMessageSaysWhyAPersonIsAsked() {
        SecurityGroupChange change = SlackMessagesTest.opened("203.0.113.0/24");
        Verdict verdict = new Verdict(Action.ASK, null, null, null, List.of(new RuleVerdict(change.rules().get(0),
                PeerKind.PUBLIC, null, Action.ASK, Action.ASK, PROD)));
        assertEquals(":lock: The tags of this group could not be read, so policy *prod-quarantined* (quarantine),"
                + " which matches on tags, could not be applied: a person decides.",
                PolicyMessages.policyLines(change, verdict));
        assertNull(PolicyMessages.policyLines(change, new Verdict(Action.ASK, null, null, null,
                List.of(new RuleVerdict(change.rules().get(0), PeerKind.PUBLIC, null, Action.ASK, Action.ASK)))));
    }

    static sgwarden.change.StoredChange quarantined() {
        return new sgwarden.change.StoredChange("0d6c7a52-6a35-4a8e-9ef0-000000000001",
                sgwarden.change.Status.QUARANTINED, "111111111111", "eu-west-1", "sg-0a1b2c3d4e5f60718", "INGRESS",
                List.of("sgr-0123456789abcdef0"), "{}", "QUARANTINE", "policy:prod-quarantined", "prod-quarantined",
                java.time.Instant.parse("2026-11-28T11:55:00Z"), null, "AuthorizeSecurityGroupIngress", null, null,
                null, null, null, null, "QUARANTINE", null, null, null);
    }

    /** A quarantine's message with Restore off: no Approve (it restores), its Deny stays, and a line says why. */
    @Test
    void withRestoreOffAQuarantineOffersOnlyItsDeny() throws java.io.IOException {
        sgwarden.change.StoredChange stored = quarantined();
        // one rule, in the singular
        assertEquals(":no_entry: Quarantined by policy *p*: the rule was removed at once. *Approve* restores it,"
                + " *Deny* keeps it off.", StatusTexts.actedAtOnce(stored, "policy *p*", true));
        assertEquals(":no_entry: Quarantined by policy *p*: the rule was removed at once. *Deny* keeps it off.",
                StatusTexts.actedAtOnce(stored, "policy *p*", false));

        PolicyMessages messages = new PolicyMessages();
        messages.settings = sgwarden.testing.SettingsFrom.environment(java.util.Map.of("SGWARDEN_RESTORE_ENABLED",
                "false"));
        List<java.util.Map<String, Object>> blocks = new java.util.ArrayList<>();
        messages.followUp(blocks, stored);
        String wire = blocks.toString();
        assertEquals(true, wire.contains(PolicyMessages.RESTORE_OFF), wire);
        assertEquals(true, wire.contains(PolicyMessages.KEEP_OFF), wire);
        assertEquals(false, wire.contains(PolicyMessages.RESTORE), wire);
    }
}
