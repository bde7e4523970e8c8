package sgwarden.change;

/**
 * A well-formed click that may not take effect: the person is not allowed to decide, or the change
 * was decided already. The person is told why, privately; nothing changes.
 */
public class DecisionRefusedException extends RuntimeException {

    public DecisionRefusedException(String message) {
        super(message);
    }
}
