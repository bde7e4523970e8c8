package sgwarden.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A change as the ledger holds it, with the decision taken on it so far. */
public record StoredChange(String changeId, Status status, String accountId, String region, String groupId,
        String direction, List<String> ruleIds, String record, String decision, String decidedBy,
        String decidedByName, Instant decidedAt, String error, String eventName,
        Map<String, sgwarden.change.KnownForm> earlier, Instant approvedUntil, String approvedFor, String slackChannel,
        String slackTs, String extended, String policyAction, String announcedIn) {

    static StoredChange of(Map<String, AttributeValue> item) {
        AttributeValue ids = item.get(Items.RULE_IDS);
        String decidedAt = Items.str(item, Items.DECIDED_AT);
        String until = Items.str(item, Items.APPROVED_UNTIL);
        return new StoredChange(Items.str(item, Items.ID), Status.valueOf(Items.str(item, Items.STATUS)),
                Items.str(item, Items.ACCOUNT), Items.str(item, Items.REGION), Items.str(item, Items.GROUP),
                Items.str(item, Items.DIRECTION),
                ids == null || !ids.hasL() ? List.of() : ids.l().stream().map(AttributeValue::s).toList(),
                Items.str(item, Items.RECORD), Items.str(item, Items.DECISION), Items.str(item, Items.DECIDED_BY),
                Items.str(item, Items.DECIDED_BY_NAME), decidedAt == null ? null : Instant.parse(decidedAt),
                Items.str(item, Items.ERROR), Items.str(item, Items.EVENT_NAME), Forms.readAll(item.get(Items.EARLIER)),
                until == null ? null : Instant.parse(until), Items.str(item, Items.APPROVED_FOR),
                Items.str(item, Items.SLACK_CHANNEL), Items.str(item, Items.SLACK_TS), Items.str(item, Items.EXTENDED),
                Items.str(item, Items.POLICY_ACTION), Items.str(item, Items.ANNOUNCED_IN));
    }

    /** Groups put on an interface or instance: Deny takes the group off, Restore puts it back. */
    public boolean isAttachment() {
        return sgwarden.change.Attachment.isEvent(eventName);
    }

    /** Tags set or removed on a group: Deny puts the earlier tags back, Restore sets the change's again. */
    public boolean isTagging() {
        return sgwarden.change.Tagging.isEvent(eventName);
    }

    /** A managed prefix list changed: Deny puts its earlier entries back, Restore the change again. */
    public boolean isPrefixList() {
        return sgwarden.change.PrefixListChange.isEvent(eventName);
    }

    public boolean isModification() {
        return sgwarden.change.SecurityGroupChange.MODIFY.equals(eventName);
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

    public boolean isEgress() {
        return "EGRESS".equals(direction);
    }
}
