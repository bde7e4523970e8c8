package sgwarden.revert;

/** EC2 throttled the revoke (RequestLimitExceeded); the revert route retries it with backoff. */
public class RevokeThrottledException extends RuntimeException {

    public RevokeThrottledException(Throwable cause) {
        super("EC2 throttled the revoke: " + cause.getMessage(), cause);
    }
}
