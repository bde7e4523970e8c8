package sgwarden.store;

import java.time.Instant;

/**
 * The change is claimed by another run (or by an instance that died mid-post) and Slack has not yet
 * confirmed its post. It is neither new nor a duplicate: its SQS message must stay on the queue and
 * a Lake run must stop at it, until the claim is confirmed (then it is a duplicate) or goes stale
 * (then it is taken over and announced).
 */
public class ClaimHeldException extends RuntimeException {

    public ClaimHeldException(String changeId, Instant claimedAt, Instant staleAt) {
        super("change " + changeId + " is claimed since " + claimedAt + " and not yet announced;"
                + " left for a later try (the claim may be taken over from " + staleAt + ")");
    }
}
