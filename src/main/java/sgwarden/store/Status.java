package sgwarden.store;

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
    /** Approved for a time that has passed; its revert under way (claimed by one replica). */
    EXPIRED
}
