package sgwarden.store;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import sgwarden.change.Keys;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * Bot-token mode: the messages posted in a change's (or a group's) thread that speak of it while it is
 * open (a reminder, an Extend notice, a group's digest). Each is kept by its ts, next to the
 * announcement's, so that a decision updates them as it updates the announcement: a reader of the
 * thread sees no live button on a change decided since. A webhook's reply has no ts and is not kept.
 */
@ApplicationScoped
@Named("threadRecords")
public class ThreadRecords {

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;

    /**
     * Keeps the ts of the reply just posted in the change's thread. True where the change was decided (or
     * extended) while the reply was being posted: that decision's update of the thread ran before this ts
     * was kept, so the caller settles this reply itself. The change as it stands is then Keys.STORED.
     */
    public boolean changeReplied(@ExchangeProperty(Keys.STORED) StoredChange stored,
            @ExchangeProperty(Keys.REPLIED) String ts, org.apache.camel.Exchange exchange) {
        if (stored == null || ts == null) {
            return false;
        }
        Map<String, AttributeValue> now = append(stored.changeId(), ts);
        if (now == null || now.isEmpty()) {
            return false;
        }
        StoredChange standing = Items.storedChange(now);
        boolean moved = standing.status() != stored.status()
                || !java.util.Objects.equals(standing.approvedUntil(), stored.approvedUntil());
        if (moved) {
            exchange.setProperty(Keys.STORED, standing);
        }
        return moved;
    }

    /** Keeps the ts of the digest just posted in the group message's thread. */
    public void groupReplied(@ExchangeProperty(Keys.GROUP) String groupId, @ExchangeProperty(Keys.REPLIED) String ts) {
        if (groupId != null && ts != null) {
            append(groupId, ts);
        }
    }

    /** The item as it is once the ts is kept; null where it is gone. */
    private Map<String, AttributeValue> append(String id, String ts) {
        try {
            return dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(id))
                    .updateExpression("SET #thread = list_append(if_not_exists(#thread, :empty), :ts)")
                    .conditionExpression("attribute_exists(#id)")
                    .expressionAttributeNames(Map.of("#thread", Items.THREAD_TS, "#id", Items.ID))
                    .expressionAttributeValues(Map.of(":empty", AttributeValue.fromL(List.of()),
                            ":ts", AttributeValue.fromL(List.of(Items.s(ts)))))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes();
        } catch (ConditionalCheckFailedException e) {
            // gone (its retention ended): nothing left to update later
            return null;
        }
    }
}
