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
        DENY
    }
}
