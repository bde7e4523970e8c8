package sgwarden.store;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import sgwarden.config.Settings;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The idempotent repository behind the detection filter. add() claims a CloudTrail event ID with a
 * conditional PutItem, so exactly one of several replicas or overlapping runs wins it. remove()
 * gives the claim back when the Slack post failed, so the next run announces the change again.
 * A claim that was never completed (the instance died mid-post) may be taken over once it is stale.
 */
@ApplicationScoped
@Named("changeLedger")
public class ChangeLedger extends ServiceSupport implements IdempotentRepository {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    Clock clock = Clock.systemUTC();

    @Override
    public boolean add(String eventId) {
        long now = clock.instant().getEpochSecond();
        try {
            dynamo.putItem(b -> b.tableName(settings.table())
                    .item(Map.of(
                            Items.ID, Items.s(eventId),
                            Items.STATUS, Items.s(Status.ANNOUNCING.name()),
                            Items.CLAIMED_AT, Items.n(now),
                            Items.EXPIRES_AT, Items.n(now + settings.retention().toSeconds())))
                    .conditionExpression("attribute_not_exists(#id) OR (#status = :announcing AND #claimed < :stale)")
                    .expressionAttributeNames(Map.of("#id", Items.ID, "#status", Items.STATUS,
                            "#claimed", Items.CLAIMED_AT))
                    .expressionAttributeValues(Map.of(
                            ":announcing", Items.s(Status.ANNOUNCING.name()),
                            ":stale", Items.n(now - settings.claimTimeout().toSeconds()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean contains(String eventId) {
        return dynamo.getItem(b -> b.tableName(settings.table()).key(Items.key(eventId)).consistentRead(true)).hasItem();
    }

    /** Releases a claim, unless somebody has decided on the change meanwhile. */
    @Override
    public boolean remove(String eventId) {
        try {
            dynamo.deleteItem(b -> b.tableName(settings.table()).key(Items.key(eventId))
                    .conditionExpression("#status IN (:announcing, :pending) AND attribute_not_exists(#decision)")
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#decision", Items.DECISION))
                    .expressionAttributeValues(Map.of(
                            ":announcing", Items.s(Status.ANNOUNCING.name()),
                            ":pending", Items.s(Status.PENDING.name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean confirm(String eventId) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("the change ledger is the audit trail: it is never cleared");
    }

}
