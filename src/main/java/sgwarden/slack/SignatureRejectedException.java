package sgwarden.slack;

/** A request that cannot be shown to come from Slack; answered 401 with no side effect. */
public class SignatureRejectedException extends RuntimeException {

    public SignatureRejectedException(String message) {
        super(message);
    }
}
