package sgwarden.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import sgwarden.change.Status;
import sgwarden.config.Settings;

/**
 * The idempotent repository behind the detection filter. add() claims a CloudTrail event ID with a
 * conditional PutItem (status ANNOUNCING), so exactly one of several replicas or overlapping runs
 * wins it. The claim becomes PENDING only once Slack has accepted the post
 * ({@link AnnouncementRecords#confirmAnnounced}). remove() gives the claim back when the post failed, so
 * the next run announces the change again.
 * <p>
 * A claim that is held but not confirmed is not a duplicate: add() then throws
 * {@link ClaimHeldException}, so that its SQS message is not deleted and a Lake run stops there.
 * Once the claim is older than {@code sgwarden.claim-timeout} (the instance died mid-post), the
 * next add() takes it over.
 */
@ApplicationScoped
@Named("changeLedger")
public class ChangeLedger extends ServiceSupport implements IdempotentRepository {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    @Override
    public boolean add(String eventId) {
        long now = clock.instant().getEpochSecond();
        Map<String, AttributeValue> values = new HashMap<>(
                Map.of(":stale", Items.n(now - settings.claimTimeout().toSeconds())));
        // a change waiting in a group's window is held by the table, not by its claim: never taken over
        String condition = "attribute_not_exists(#id) OR "
                + Transition.CLAIM.condition(values, "#claimed < :stale AND attribute_not_exists(#shard)");
        try {
            dynamo.putItem(b -> b.tableName(settings.table())
                    .item(Map.of(
                            Items.ID, Items.s(eventId),
                            Items.STATUS, Transition.CLAIM.target(Status.ANNOUNCING),
                            Items.CLAIMED_AT, Items.n(now),
                            Items.EXPIRES_AT, Items.n(now + settings.retention().toSeconds())))
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#id", Items.ID, "#status", Items.STATUS,
                            "#claimed", Items.CLAIMED_AT, "#shard", Items.DUE_SHARD))
                    .expressionAttributeValues(values)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return true;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> held = e.hasItem() ? e.item()
                    : dynamo.getItem(b -> b.tableName(settings.table())
                            .key(Items.key(eventId)).consistentRead(true)).item();
            if (held != null && Status.ANNOUNCING.name().equals(Items.str(held, Items.STATUS))
                    && !Items.ANNOUNCE_SHARD.equals(Items.str(held, Items.DUE_SHARD))) {
                AttributeValue at = held.get(Items.CLAIMED_AT);
                long claimedAt = at == null ? now : Long.parseLong(at.n());
                throw new ClaimHeldException(eventId, java.time.Instant.ofEpochSecond(claimedAt),
                        java.time.Instant.ofEpochSecond(claimedAt + settings.claimTimeout().toSeconds()));
            }
            // announced (or decided on) already, or stored and waiting in a group: a true duplicate
            return false;
        }
    }

    @Override
    public boolean contains(String eventId) {
        return dynamo.getItem(b -> b.tableName(settings.table()).key(Items.key(eventId)).consistentRead(true))
                .hasItem();
    }

    /**
     * Releases a claim whose post failed. A change Slack has accepted (PENDING or decided on) is
     * never released: announcing it again would post it twice.
     */
    @Override
    public boolean remove(String eventId) {
        try {
            dynamo.deleteItem(b -> b.tableName(settings.table()).key(Items.key(eventId))
                    .conditionExpression("#status = :announcing AND attribute_not_exists(#decision)")
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#decision", Items.DECISION))
                    .expressionAttributeValues(Map.of(
                            ":announcing", Items.s(Status.ANNOUNCING.name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Nothing to do here: the route confirms the claim itself, as a step right after Slack accepted
     * the post, so that a failed confirmation fails the exchange (and keeps its SQS message) instead
     * of being lost in a completion callback.
     */
    @Override
    public boolean confirm(String eventId) {
        return true;
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("the change ledger is the audit trail: it is never cleared");
    }

}
