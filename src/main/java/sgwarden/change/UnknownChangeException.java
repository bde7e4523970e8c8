package sgwarden.change;

/** A click on a change the ledger does not hold. */
public class UnknownChangeException extends RuntimeException {

    public UnknownChangeException(String changeId) {
        super("unknown change: " + changeId);
    }
}
