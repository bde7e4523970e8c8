package sgwarden.plumbing;

import java.time.Instant;

import sgwarden.change.Actor;

/**
 * A change to one of sgwarden's own parts in a member account, as CloudTrail recorded it: an
 * EventBridge rule named sgwarden-* (its state, pattern or targets) or the spoke role (its trust,
 * its policies, the role itself). error is the error code of a call that was refused (an SCP
 * stopped it), null for one that went through.
 */
public record TamperEvent(String eventId, String eventSource, String eventName, Instant eventTime, String account,
        String region, Part part, String partName, Actor actor, String error, String record) {

    /** Which of sgwarden's parts was touched. */
    public enum Part {
        RULE,
        ROLE
    }

    public boolean refused() {
        return error != null;
    }
}
