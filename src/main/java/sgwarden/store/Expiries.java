package sgwarden.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Exchange;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.config.Settings;
import sgwarden.decision.Decision;

/**
 * Approvals for a time: which are due (the Query the aws2-ddb endpoint runs on the due-index), and
 * the claim that lets exactly one replica revert each. The claim is a conditional update, as decisions
 * are: APPROVED becomes EXPIRED once, whatever the number of replicas reading the same item.
 */
@ApplicationScoped
@Named("expiries")
public class Expiries {

    public static final String INDEX = "due-index";
    /** Items read per Query: what one tick takes on; the rest stay due for the next tick. */
    static final int PAGE = 100;
    /** Who the audit trail says reverted an expired approval. */
    public static final String BY = "sgwarden:expiry";

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;

    Clock clock = Clock.systemUTC();

    /** The aws2-ddb Query: the approvals shard, dueAt up to now (a Query reads only those, not the table). */
    public void query(String shard, Exchange exchange) {
        long now = clock.instant().getEpochSecond();
        exchange.getMessage().setHeader("CamelAwsDdbIndexName", INDEX);
        exchange.getMessage().setHeader("CamelAwsDdbKeyConditions", Map.of(
                Items.DUE_SHARD, Condition.builder().comparisonOperator(ComparisonOperator.EQ)
                        .attributeValueList(Items.s(shard)).build(),
                Items.DUE_AT, Condition.builder().comparisonOperator(ComparisonOperator.LE)
                        .attributeValueList(Items.n(now)).build()));
        exchange.getMessage().setHeader("CamelAwsDdbLimit", PAGE);
    }

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
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression("SET #status = :expired, #due = :retry, #expiredAt = :now,"
                            + " #history = list_append(if_not_exists(#history, :empty), :entry)")
                    .conditionExpression("#status IN (:approved, :expired) AND #due = :seen")
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#due", Items.DUE_AT,
                            "#expiredAt", EXPIRED_AT, "#history", Items.HISTORY))
                    .expressionAttributeValues(Map.of(":expired", Items.s(Status.EXPIRED.name()),
                            ":approved", Items.s(Status.APPROVED.name()), ":seen", seenDue,
                            ":retry", Items.n(now.plus(settings.revert().stuckAfter()).getEpochSecond()),
                            ":now", Items.s(now.toString()), ":empty", AttributeValue.fromL(List.of()),
                            ":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                                    "outcome", Items.s(Status.EXPIRED.name()), "by", Items.s(BY),
                                    "at", Items.s(now.toString())))))))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange stored = StoredChange.of(updated);
            exchange.setProperty("stored", stored);
            exchange.setProperty("decision", new Decision(changeId, "sgwarden_expiry", Decision.Kind.DENY, BY,
                    stored.decidedByName(), null, null, now));
            return stored;
        } catch (ConditionalCheckFailedException e) {
            return null;
        }
    }

    static final String EXPIRED_AT = "expiredAt";

    /**
     * Claims a change's one reminder: still PENDING, and still due as the Query saw it. The claim takes
     * it out of the due-index, so across replicas exactly one reminds. A change decided since is only
     * taken out of the index. Returns the change to remind of, or null.
     */
    public StoredChange claimReminder(@Body Map<String, AttributeValue> item, Exchange exchange) {
        String changeId = Items.str(item, Items.ID);
        AttributeValue seenDue = item.get(Items.DUE_AT);
        if (changeId == null || seenDue == null) {
            return null;
        }
        Map<String, String> names = Map.of("#status", Items.STATUS, "#shard", Items.DUE_SHARD, "#due", Items.DUE_AT,
                "#reminded", Items.REMINDED_AT);
        Map<String, AttributeValue> values = Map.of(":pending", Items.s(Status.PENDING.name()),
                ":reminders", Items.s(Items.REMINDERS_SHARD), ":seen", seenDue, ":now",
                Items.s(clock.instant().toString()));
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression("SET #reminded = :now REMOVE #shard, #due")
                    .conditionExpression("#status = :pending AND #shard = :reminders AND #due = :seen")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange stored = StoredChange.of(updated);
            exchange.setProperty("stored", stored);
            return stored;
        } catch (ConditionalCheckFailedException e) {
            try {
                // decided meanwhile (or never announced): only out of the index, if nobody moved it since
                dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(changeId))
                        .updateExpression("REMOVE #shard, #due")
                        .conditionExpression("#status <> :pending AND #shard = :reminders AND #due = :seen")
                        .expressionAttributeNames(Map.of("#status", Items.STATUS, "#shard", Items.DUE_SHARD,
                                "#due", Items.DUE_AT))
                        .expressionAttributeValues(Map.of(":pending", Items.s(Status.PENDING.name()),
                                ":reminders", Items.s(Items.REMINDERS_SHARD), ":seen", seenDue)));
            } catch (ConditionalCheckFailedException held) {
                // another replica reminded, or it moved on: nothing to do
            }
            return null;
        }
    }
}
