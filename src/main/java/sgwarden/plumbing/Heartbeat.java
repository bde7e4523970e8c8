package sgwarden.plumbing;

import java.time.Instant;

/** A member account's scheduled heartbeat from one region: EventBridge itself sets account, region and time. */
public record Heartbeat(String account, String region, Instant time) {

    /** The item that keeps the last time heard from this account and region. */
    public String key() {
        return "heartbeat#" + account + "#" + region;
    }
}
