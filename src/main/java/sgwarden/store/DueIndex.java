package sgwarden.store;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

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

import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * The table's due-index: which items are due (the Query the aws2-ddb endpoint runs on it, a shard at a
 * time, so a tick reads only what is due, not the table), and what the claims on due items share: the
 * whole item, and taking an item that moved on out of the index.
 */
@ApplicationScoped
@Named("dueIndex")
public class DueIndex {

    public static final String INDEX = "due-index";
    /** Items read per Query: what one tick takes on; the rest stay due for the next tick. */
    static final int PAGE = 100;

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;

    @Inject
    Clock clock;

    /** Due checks begun: whoever moved time on can see a check that began after it. */
    private final AtomicLong checks = new AtomicLong();

    /** The aws2-ddb Query: the approvals shard, dueAt up to now (a Query reads only those, not the table). */
    public void query(String shard, Exchange exchange) {
        if ("notice".equals(shard)) {
            checks.incrementAndGet();
        }
        long now = clock.instant().getEpochSecond();
        exchange.getMessage().setHeader("CamelAwsDdbIndexName", INDEX);
        exchange.getMessage().setHeader("CamelAwsDdbKeyConditions", Map.of(
                Items.DUE_SHARD, Condition.builder().comparisonOperator(ComparisonOperator.EQ)
                        .attributeValueList(Items.s(shard)).build(),
                Items.DUE_AT, Condition.builder().comparisonOperator(ComparisonOperator.LE)
                        .attributeValueList(Items.n(now)).build()));
        exchange.getMessage().setHeader("CamelAwsDdbLimit", PAGE);
    }

    /** How many due checks have begun (each tick of the due-items timer begins with the notices). */
    public long checks() {
        return checks.get();
    }

    /**
     * The due item as a stored change, for the route to ask the policies which of them decides it if
     * nobody does; null where it is not (or no longer) a change.
     */
    public StoredChange dueChange(@Body Map<String, AttributeValue> seen) {
        Map<String, AttributeValue> item = whole(seen);
        if (!item.containsKey(Items.RECORD) || !item.containsKey(Items.STATUS)) {
            return null;
        }
        return Items.storedChange(item);
    }

    /** The whole item: the Query's (the index projects every attribute), or read again where a caller had less. */
    Map<String, AttributeValue> whole(Map<String, AttributeValue> item) {
        if (item.containsKey(Items.RECORD) && item.containsKey(Items.STATUS)) {
            return item;
        }
        Map<String, AttributeValue> read = dynamo.getItem(b -> b.tableName(settings.table())
                .key(Items.key(Items.str(item, Items.ID))).consistentRead(true)).item();
        return read == null ? Map.of() : read;
    }

    /** A due item whose change moved on (no longer in the state it was due for) only leaves the index. */
    void leaveIndex(String changeId, Status dueFor, String shard, AttributeValue seenDue) {
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(changeId))
                    .updateExpression("REMOVE #shard, #due")
                    .conditionExpression("#status <> :state AND #shard = :shard AND #due = :seen")
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#shard", Items.DUE_SHARD,
                            "#due", Items.DUE_AT))
                    .expressionAttributeValues(Map.of(":state", Items.s(dueFor.name()), ":shard", Items.s(shard),
                            ":seen", seenDue)));
        } catch (ConditionalCheckFailedException held) {
            // another replica took it, or it moved on: nothing to do
        }
    }
}
