package sgwarden.policy;

import java.time.Duration;

/**
 * An ask policy's escalation: a change still PENDING this long after its announcement is decided by
 * the policy, denied (reverted) or approved (permanently). label is the time as messages say it ("24 h").
 */
public record Undecided(Duration after, String label, boolean approve) {

    /** "deny" or "approve", as the policy file and the ledger write it. */
    public String then() {
        return approve ? "approve" : "deny";
    }
}
