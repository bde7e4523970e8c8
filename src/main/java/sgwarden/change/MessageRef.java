package sgwarden.change;

/**
 * Where a change (or a group) was announced: the Slack channel ID and the message's ts. Only a post
 * with the bot token has them (an incoming webhook answers with neither). The gateway leaves them on
 * the exchange under {@link Keys#SLACK_TS} and {@link Keys#SLACK_CHANNEL} after posting; the ledger
 * keeps them, and hands them back as this value, so an expiry can update the message and reply in
 * its thread.
 */
public record MessageRef(String channel, String ts) {

    /** The message at channel/ts, or null when it was posted through a webhook (no ts). */
    public static MessageRef of(String channel, String ts) {
        return ts == null ? null : new MessageRef(channel, ts);
    }
}
