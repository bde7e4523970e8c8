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
}
