package sgwarden.slack;

/**
 * A message update (chat.update, or through a response_url) failed. Failing to update a message never undoes a
 * decision; it is logged and the message stays as it was.
 */
public class SlackResponseException extends RuntimeException {
    private final boolean retryable;

    public SlackResponseException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    /** A timeout, a connection failure, a 5xx or a rate limit: worth another try. Any other refusal is not. */
    public boolean retryable() {
        return retryable;
    }
}
