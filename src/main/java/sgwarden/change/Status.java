package sgwarden.change;

/** Where a change stands. */
public enum Status {
    /** Claimed by one instance, being posted to Slack. */
    ANNOUNCING,
    /** Announced, waiting for a decision. Changes stand by default, so nothing is blocked meanwhile. */
    PENDING,
    APPROVED,
    /** Denied, revert under way. */
    REVERTING,
    REVERTED,
    /** Denied, but the rules had already been removed by someone else. */
    ALREADY_GONE,
    /** Denied, and the revert failed; Deny may be clicked again. */
    REVERT_FAILED,
    /** Revoked at once by a quarantine policy: Approve restores the rules, Deny keeps them off. */
    QUARANTINED,
    /** Restore clicked, the rules being put back. */
    RESTORING,
    /** The rules a revert removed are back. */
    RESTORED,
    /** Restore clicked, and putting the rules back failed; Restore may be clicked again. */
    RESTORE_FAILED,
    /** Approved for a time that has passed; its revert under way (claimed by one replica). */
    EXPIRED,
    /** Not a change: a tamper alert on sgwarden's own plumbing, posted and waiting for its acknowledgement. */
    TAMPER_ALERTED,
    /** A tamper alert someone acknowledged (who and when are in the item). */
    TAMPER_ACKNOWLEDGED,
    /** A group set sgwarden could not read: a person was told in Slack; nothing to decide or undo. */
    UNREADABLE;

    /** Where the change stands, in the words a reply to a person uses ("reverted", "being reverted"). */
    public String words() {
        return switch (this) {
            case ANNOUNCING -> "being announced";
            case PENDING -> "waiting for Approve or Deny";
            case APPROVED -> "approved";
            case REVERTING -> "being reverted";
            case REVERTED -> "reverted: its rules were removed";
            case ALREADY_GONE -> "denied, its rules already removed by someone else";
            case REVERT_FAILED -> "denied, but the revert failed";
            case QUARANTINED -> "quarantined: its rules were removed";
            case RESTORING -> "being restored";
            case RESTORED -> "restored";
            case RESTORE_FAILED -> "denied, and restoring it failed";
            case EXPIRED -> "expired, its revert under way";
            case TAMPER_ALERTED -> "a tamper alert, waiting for its acknowledgement";
            case TAMPER_ACKNOWLEDGED -> "a tamper alert, acknowledged";
            case UNREADABLE -> "unreadable: a person was told";
        };
    }
}
