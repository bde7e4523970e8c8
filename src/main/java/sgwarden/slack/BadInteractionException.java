package sgwarden.slack;

/** A signed request whose payload is not a click sgwarden understands; answered 400. */
public class BadInteractionException extends RuntimeException {

    public BadInteractionException(String message) {
        super(message);
    }
}
