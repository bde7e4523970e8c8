package sgwarden.lake;

/** A Lake query that did not finish: FAILED, CANCELLED, TIMED_OUT, or waited on past its limit. */
public class LakeQueryFailedException extends RuntimeException {

    public LakeQueryFailedException(String message) {
        super(message);
    }
}
