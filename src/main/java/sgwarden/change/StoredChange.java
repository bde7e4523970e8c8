package sgwarden.change;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A change as the ledger holds it, with the decision taken on it so far. threadTs: in bot-token mode,
 * the messages posted in its announcement's thread that offer something until it is decided (its
 * reminder, its Extend notices), so that a decision can update them too. postedAloneFrom: the group
 * message it was announced in before Decide one by one posted it alone, which lists its outcome too.
 */
public record StoredChange(String changeId, Status status, String accountId, String region, String groupId,
        String direction, List<String> ruleIds, String record, String decision, String decidedBy,
        String decidedByName, Instant decidedAt, String error, String eventName,
        Map<String, KnownForm> earlier, Instant approvedUntil, String approvedFor, String slackChannel,
        String slackTs, String extended, String policyAction, String announcedIn, List<String> threadTs,
        String postedAloneFrom) {

    /** Groups put on an interface or instance: Deny takes the group off, Restore puts it back. */
    public boolean isAttachment() {
        return Attachment.isEvent(eventName);
    }

    /** Tags set or removed on a group: Deny puts the earlier tags back, Restore sets the change's again. */
    public boolean isTagging() {
        return Tagging.isEvent(eventName);
    }

    /** A managed prefix list changed: Deny puts its earlier entries back, Restore the change again. */
    public boolean isPrefixList() {
        return PrefixListChange.isEvent(eventName);
    }

    public boolean isModification() {
        return SecurityGroupChange.MODIFY.equals(eventName);
    }

    /** Revoked at once by a policy (reverted or quarantined), whatever was done with it since. */
    public boolean revokedByPolicy() {
        return "REVERT".equals(policyAction) || "QUARANTINE".equals(policyAction);
    }

    /** Denied, and its revert left REVERTING longer than it can take: its instance died; it may be denied again. */
    public boolean revertStuck(java.time.Duration stuckAfter, Instant now) {
        return status == Status.REVERTING && decidedAt != null
                && decidedAt.isBefore(now.minus(stuckAfter));
    }

    /** Where it was announced alone with the bot token; null when posted through a webhook. */
    public MessageRef slackMessage() {
        return MessageRef.of(slackChannel, slackTs);
    }

    /** The thread messages to update once it is decided; never null. */
    public List<String> threadTs() {
        return threadTs == null ? List.of() : threadTs;
    }

    public boolean isEgress() {
        return "EGRESS".equals(direction);
    }
}
