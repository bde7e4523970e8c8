package sgwarden.change;

/** A CloudTrail record that cannot be read as a security group change. */
public class UnparseableRecordException extends RuntimeException {

    private final String eventId;

    public UnparseableRecordException(String eventId, String reason, Throwable cause) {
        super("cannot read CloudTrail record " + (eventId == null ? "(no eventID)" : eventId) + ": " + reason, cause);
        this.eventId = eventId;
    }

    public String eventId() {
        return eventId;
    }
}
