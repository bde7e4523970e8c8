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
    UNREADABLE
}
