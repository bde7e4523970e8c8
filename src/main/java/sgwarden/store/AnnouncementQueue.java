package sgwarden.store;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * Changes waiting in a group's window. A change is stored (claimed, its record kept) before its SQS
 * message is deleted; while its group is open it is also due in the table's due-index, shard
 * 'announce', at the end of the window plus the claim timeout. Announced in time, it leaves the
 * shard. If its instance died first, the due-items timer finds it there and announces it then.
 * <p>
 * Whoever announces a waiting change first takes it with a conditional update on the due time it
 * saw, so across replicas each change goes into exactly one message.
 */
@ApplicationScoped
@Named("announcementQueue")
public class AnnouncementQueue {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    /** Puts a stored change in the 'announce' shard; returns the due time to take it by. */
    public long hold(String changeId) {
        long due = clock.instant().plus(settings.group().window()).plus(settings.claimTimeout()).getEpochSecond();
        dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(changeId))
                .updateExpression("SET #shard = :announce, #due = :due")
                .conditionExpression("attribute_exists(#id)")
                .expressionAttributeNames(Map.of("#shard", Items.DUE_SHARD, "#due", Items.DUE_AT, "#id", Items.ID))
                .expressionAttributeValues(Map.of(":announce", Items.s(Items.ANNOUNCE_SHARD), ":due", Items.n(due))));
        return due;
    }

    /**
     * Takes a waiting change for the message about to be posted: its due time moves on by the claim
     * timeout (the time a post may take). False where another replica took it first or it was
     * announced meanwhile.
     */
    public boolean take(String changeId, long seenDue) {
        long next = clock.instant().plus(settings.claimTimeout()).getEpochSecond();
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(changeId))
                    .updateExpression("SET #due = :next")
                    .conditionExpression("#shard = :announce AND #due = :seen")
                    .expressionAttributeNames(Map.of("#shard", Items.DUE_SHARD, "#due", Items.DUE_AT))
                    .expressionAttributeValues(Map.of(":announce", Items.s(Items.ANNOUNCE_SHARD),
                            ":seen", Items.n(seenDue), ":next", Items.n(next))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Takes a change found waiting past its due time (its instance died inside the window) back
     * into a window of this instance. Returns it as stored, with its new due time, or null where
     * another replica did.
     */
    public Waiting retake(Map<String, AttributeValue> item) {
        String changeId = Items.str(item, Items.ID);
        AttributeValue seen = item.get(Items.DUE_AT);
        if (changeId == null || seen == null || !Items.ANNOUNCE_SHARD.equals(Items.str(item, Items.DUE_SHARD))) {
            return null;
        }
        long next = clock.instant().plus(settings.group().window()).plus(settings.claimTimeout()).getEpochSecond();
        try {
            Map<String, AttributeValue> taken = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression("SET #due = :next")
                    .conditionExpression("#shard = :announce AND #due = :seen")
                    .expressionAttributeNames(Map.of("#shard", Items.DUE_SHARD, "#due", Items.DUE_AT))
                    .expressionAttributeValues(Map.of(":announce", Items.s(Items.ANNOUNCE_SHARD),
                            ":seen", seen, ":next", Items.n(next)))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return new Waiting(Items.storedChange(taken), next);
        } catch (ConditionalCheckFailedException e) {
            return null;
        }
    }

    /** A change waiting to be announced, and the due time it waits under. */
    public record Waiting(StoredChange stored, long due) {
    }
}
