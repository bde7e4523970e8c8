package sgwarden.decision;

import java.time.Instant;

/**
 * A person's click, as Slack reported it. kind is null for an action that is neither Approve nor
 * Deny; the interaction route refuses those.
 */
public record Decision(String changeId, String actionId, Kind kind, String userId, String userName, String teamId,
        String responseUrl, Instant at) {

    public enum Kind {
        APPROVE,
        DENY,
        /** Put back the rules a revert (Deny or a policy) removed; a quarantine's Approve. */
        RESTORE,
        /** A quarantine's Deny: the rules stay off. */
        KEEP_OFF,
        /** Decided by a policy, not a person: revoked at once. */
        REVERT,
        QUARANTINE,
        /** Moves an approval's expiry: the chosen duration from now, or permanently. */
        EXTEND
    }

    /** For an Approve or an Extend: the time it was chosen for, or permanently (the plain Approve button). */
    public ApprovalDuration approvalFor() {
        for (String prefix : new String[]{"sgwarden_approve_for_", EXTEND_FOR}) {
            if (actionId != null && actionId.startsWith(prefix)) {
                return ApprovalDuration.parse(actionId.substring(prefix.length()));
            }
        }
        return ApprovalDuration.parse(ApprovalDuration.PERMANENT);
    }

    /** Extend's action_id: the prefix and the duration's code, e.g. sgwarden_extend_for_8h or …_permanent. */
    public static final String EXTEND_FOR = "sgwarden_extend_for_";

    /** Decided by a policy rather than a person: the policy's name stands where the user would. */
    public boolean byPolicy() {
        return userId != null && userId.startsWith(POLICY_PREFIX);
    }

    public static final String POLICY_PREFIX = "policy:";
}
