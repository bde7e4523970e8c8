package sgwarden.store;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Exchange;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * Approvals for a time, once due: first their Extend notice, then their expiry. Each claim lets exactly
 * one replica act on a due approval. The claim is a conditional update, as decisions are: APPROVED
 * becomes EXPIRED once, whatever the number of replicas reading the same item.
 */
@ApplicationScoped
@Named("approvalExpiries")
public class ApprovalExpiries {

    /** Who the audit trail says reverted an expired approval. */
    public static final String BY = "sgwarden:expiry";
    static final String EXPIRED_AT = "expiredAt";

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;
    @Inject
    DueIndex dueIndex;

    @Inject
    Clock clock;

    /**
     * Claims one due item: APPROVED (or EXPIRED whose revert was left by a dead replica, due again after
     * sgwarden.revert.stuck-after) becomes EXPIRED, with the entry in its audit trail. Returns the change
     * with the decision the revert path acts under, or null where another replica holds it or it was
     * decided otherwise meanwhile.
     */
    public StoredChange claim(@Body Map<String, AttributeValue> item, Exchange exchange) {
        String changeId = Items.str(item, Items.ID);
        AttributeValue seenDue = item.get(Items.DUE_AT);
        if (changeId == null || seenDue == null) {
            return null;
        }
        Instant now = clock.instant();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":expired", Transition.EXPIRE.target(Status.EXPIRED),
                ":approvals", Items.s(Items.APPROVALS_SHARD), ":seen", seenDue,
                ":retry", Items.n(now.plus(settings.revert().stuckAfter()).getEpochSecond()),
                ":now", Items.s(now.toString()), ":empty", AttributeValue.fromL(List.of()),
                ":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                        "outcome", Items.s(Status.EXPIRED.name()), "by", Items.s(BY),
                        "at", Items.s(now.toString())))))));
        // an expiry claimed by a replica that died is due again (at :retry): held too long, taken again
        String condition = Transition.EXPIRE.condition(values, "#due = :seen")
                + " AND #shard = :approvals AND #due = :seen";
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression("SET #status = :expired, #due = :retry, #expiredAt = :now,"
                            + " #history = list_append(if_not_exists(#history, :empty), :entry)")
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#due", Items.DUE_AT,
                            "#expiredAt", EXPIRED_AT, "#history", Items.HISTORY, "#shard", Items.DUE_SHARD))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange stored = Items.storedChange(updated);
            exchange.setProperty(Keys.STORED, stored);
            exchange.setProperty(Keys.DECISION, new Decision(changeId, "sgwarden_expiry", Decision.Kind.DENY, BY,
                    stored.decidedByName(), null, null, now));
            return stored;
        } catch (ConditionalCheckFailedException e) {
            return null;
        }
    }

    /** When an approval until then gets its Extend notice: the lead time before, or at once if it is shorter. */
    public static long noticeAt(Instant until, Instant approvedAt, Settings settings) {
        Instant notice = until.minus(settings.approval().extendNotice());
        return (notice.isBefore(approvedAt) ? approvedAt : notice).getEpochSecond();
    }

    /**
     * Claims an approval's Extend notice: still APPROVED until the same time, still in the notices shard
     * at the time the Query saw. The claim moves it to the approvals shard at its expiry, so across replicas
     * exactly one posts the notice, and the expiry follows. Returns the change, or null.
     */
    public StoredChange claimNotice(@Body Map<String, AttributeValue> item, Exchange exchange) {
        Map<String, AttributeValue> whole = dueIndex.whole(item);
        String changeId = Items.str(item, Items.ID);
        AttributeValue seenDue = item.get(Items.DUE_AT);
        String until = Items.str(whole, Items.APPROVED_UNTIL);
        if (changeId == null || seenDue == null) {
            return null;
        }
        Map<String, String> names = Map.of("#status", Items.STATUS, "#shard", Items.DUE_SHARD, "#due", Items.DUE_AT,
                "#until", Items.APPROVED_UNTIL, "#noticed", Items.NOTICED_AT);
        try {
            if (until == null) {
                throw ConditionalCheckFailedException.builder().message("no expiry").build();
            }
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression("SET #shard = :approvals, #due = :expiry, #noticed = :now")
                    .conditionExpression(
                            "#status = :approved AND #shard = :notices AND #due = :seen AND #until = :until")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":approved", Items.s(Status.APPROVED.name()),
                            ":approvals", Items.s(Items.APPROVALS_SHARD), ":notices", Items.s(Items.NOTICES_SHARD),
                            ":seen", seenDue, ":until", Items.s(until),
                            ":expiry", Items.n(Instant.parse(until).getEpochSecond()),
                            ":now", Items.s(clock.instant().toString())))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange stored = Items.storedChange(updated);
            exchange.setProperty(Keys.STORED, stored);
            return stored;
        } catch (ConditionalCheckFailedException e) {
            dueIndex.leaveIndex(changeId, Status.APPROVED, Items.NOTICES_SHARD, seenDue);
            return null;
        }
    }
}
