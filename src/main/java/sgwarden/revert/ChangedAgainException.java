package sgwarden.revert;

/** A rule was changed again after the change being denied: putting it back would undo that later change. */
public class ChangedAgainException extends RuntimeException {

    public ChangedAgainException(String message) {
        super(message);
    }
}
