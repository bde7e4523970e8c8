package sgwarden.change;

/**
 * Where a change was announced: the Slack channel ID and the message's ts. The gateway leaves them
 * on the exchange under these keys after posting; the ledger keeps them, so an expiry can update the
 * message and reply in its thread. The keys live in the domain because both sides use them.
 */
public final class MessageRef {

    public static final String TS = "sgwardenSlackTs";
    public static final String CHANNEL = "sgwardenSlackChannel";

    private MessageRef() {
    }
}
