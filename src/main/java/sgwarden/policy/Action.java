package sgwarden.policy;

import java.util.Locale;

/** What a policy does with a rule that matches it. Declared from the mildest to the strictest. */
public enum Action {
    /** Recorded as approved by the policy, with no person. */
    APPROVE,
    /** Today's message with Approve and Deny: a person decides. */
    ASK,
    /** Revoked at once; a person decides whether to restore. */
    QUARANTINE,
    /** Revoked at once, and recorded as reverted by the policy. */
    REVERT;

    /** The stricter of the two: revert > quarantine > ask > approve. */
    public Action stricter(Action other) {
        return other != null && other.ordinal() > ordinal() ? other : this;
    }

    /** The word used in the policy file and in output. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Action of(String word) {
        for (Action a : values()) {
            if (a.word().equals(word)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown action '" + word + "' (use ask, approve, revert or quarantine)");
    }
}
