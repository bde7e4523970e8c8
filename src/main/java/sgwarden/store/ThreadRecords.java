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

    /** Keeps the ts of the reply just posted in the change's thread. */
    public void changeReplied(@ExchangeProperty(Keys.STORED) StoredChange stored,
            @ExchangeProperty(Keys.REPLIED) String ts) {
        if (stored != null && ts != null) {
            append(stored.changeId(), ts);
        }
    }

    /** Keeps the ts of the digest just posted in the group message's thread. */
    public void groupReplied(@ExchangeProperty(Keys.GROUP) String groupId, @ExchangeProperty(Keys.REPLIED) String ts) {
        if (groupId != null && ts != null) {
            append(groupId, ts);
        }
    }

    private void append(String id, String ts) {
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(id))
                    .updateExpression("SET #thread = list_append(if_not_exists(#thread, :empty), :ts)")
                    .conditionExpression("attribute_exists(#id)")
                    .expressionAttributeNames(Map.of("#thread", Items.THREAD_TS, "#id", Items.ID))
                    .expressionAttributeValues(Map.of(":empty", AttributeValue.fromL(List.of()),
                            ":ts", AttributeValue.fromL(List.of(Items.s(ts))))));
        } catch (ConditionalCheckFailedException e) {
            // gone (its retention ended): nothing left to update later
        }
    }
}
