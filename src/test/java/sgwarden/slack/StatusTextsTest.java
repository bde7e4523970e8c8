package sgwarden.slack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import sgwarden.change.Decision;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;

/**
 * Every outcome line, for every status a change can be in, is in words a person uses: no status
 * constant (REVERT_FAILED) and no ISO timestamp, whichever line renders it and whatever the status.
 */
class StatusTextsTest {

    static final Instant AT = Instant.parse("2026-12-03T08:21:51.576213418Z");
    /** Any status constant, as a whole word. */
    static final Pattern CONSTANT = Pattern.compile("\\b(" + String.join("|",
            java.util.Arrays.stream(Status.values()).map(Status::name).toList()) + ")\\b");
    static final Pattern ISO = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");

    static StoredChange stored(Status status, String eventName) {
        return new StoredChange("0d6c7a52-6a35-4a8e-9ef0-000000000001", status, "111111111111", "eu-west-1",
                "sg-0a1b2c3d4e5f60718", "INGRESS", List.of("sgr-0123456789abcdef0"), "{}", "DENY", "U0ALICE", "alice",
                AT, "AccessDenied", eventName, Map.of(), AT.plusSeconds(30), "30 s", null, null, null, null, null,
                null, null);
    }

    @Test
    void noLineShowsAStatusConstantOrAnIsoTime() {
        String at = SlackMessages.at(AT);
        List<String> lines = new ArrayList<>();
        for (String event : List.of("AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules",
                "ModifyNetworkInterfaceAttribute", "CreateTags", "ModifyManagedPrefixList")) {
            for (Status status : Status.values()) {
                StoredChange s = stored(status, event);
                Decision person = new Decision(s.changeId(), "sgwarden_deny", Decision.Kind.DENY, "U0ALICE", "alice",
                        null, null, AT);
                lines.add(StatusTexts.mark(s));
                lines.add(StatusTexts.tallied(status));
                lines.add(StatusTexts.expired(s, "Approved by @alice for 30 s", at));
                lines.add(StatusTexts.escalated(s, "policy *p*", "40 s", at));
                lines.add(StatusTexts.actedAtOnce(s, "policy *p*", true));
                lines.add(StatusTexts.actedAtOnce(s, "policy *p*", false));
                lines.add(StatusTexts.actedInGroup(s, "policy *p*"));
                lines.add(StatusTexts.decided(person, s, at));
                lines.add(status.words());
            }
        }
        for (String line : lines) {
            // the Slack date's fallback text is "2026-12-03 08:21 UTC", a time a person reads
            String shown = line.replaceAll("<!date\\^[^>]*>", "a date");
            assertFalse(CONSTANT.matcher(shown).find(), "a status constant in: " + line);
            assertFalse(ISO.matcher(shown).find(), "an ISO time in: " + line);
        }
        assertTrue(lines.size() > 500, "every line rendered: " + lines.size());
    }
}
