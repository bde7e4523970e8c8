package sgwarden.change;

import java.time.Instant;

/**
 * A person's click, as Slack reported it. kind is null for an action that is neither Approve nor
 * Deny; the interaction route refuses those. teamId is the workspace the click came from;
 * userTeamId the clicking user's own workspace (Slack's user.team_id), which differs for a guest
 * from another organization in a Slack Connect channel.
 */
public record Decision(String changeId, String actionId, Kind kind, String userId, String userName, String teamId,
        String userTeamId, String responseUrl, Instant at) {

    /** A decision not made by a click in Slack (a policy, an expiry): no user workspace. */
    public Decision(String changeId, String actionId, Kind kind, String userId, String userName, String teamId,
            String responseUrl, Instant at) {
        this(changeId, actionId, kind, userId, userName, teamId, null, responseUrl, at);
    }

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
        /** A group message's buttons: the changeId is the group's ID, and each change is decided alone. */
        APPROVE_ALL,
        DENY_ALL,
        /** A group's Deny again: only the changes whose revert failed. */
        DENY_FAILED,
        /** Post each open change of the group as its own message. */
        ONE_BY_ONE,
        /** A group's Extend notice: each approval of the group still running is extended. */
        EXTEND_ALL,
        /** Moves an approval's expiry: the chosen duration from now, or permanently. */
        EXTEND,
        /** A tamper alert's one button: records who saw it; changes nothing in AWS. */
        ACKNOWLEDGE
    }

    /** For an Approve or an Extend: the time it was chosen for, or permanently (the plain Approve button). */
    public ApprovalDuration approvalFor() {
        // sgwarden_approve_for_8h on a change, sgwarden_group_approve_for_8h on a group, sgwarden_extend_for_8h
        for (String marker : new String[]{"approve_for_", "extend_for_"}) {
            int at = actionId == null ? -1 : actionId.indexOf(marker);
            if (at >= 0) {
                return ApprovalDuration.parse(actionId.substring(at + marker.length()));
            }
        }
        return ApprovalDuration.parse(ApprovalDuration.PERMANENT);
    }

    /** The same click, applied to one change of a group: no response_url, the group message answers. */
    public Decision forChange(String changeId, Kind changeKind) {
        return new Decision(changeId, actionId, changeKind, userId, userName, teamId, userTeamId, null, at);
    }

    /** Extend's action_id: the prefix and the duration's code, e.g. sgwarden_extend_for_8h or …_permanent. */
    public static final String EXTEND_FOR = "sgwarden_extend_for_";

    /** Decided by a policy rather than a person: the policy's name stands where the user would. */
    public boolean byPolicy() {
        return userId != null && userId.startsWith(POLICY_PREFIX);
    }

    public static final String POLICY_PREFIX = "policy:";
}
