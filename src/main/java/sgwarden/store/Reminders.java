package sgwarden.store;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.policy.Policy;
import sgwarden.policy.Undecided;

/**
 * A change's one reminder: claimed once it is due, so that across replicas exactly one reminds, and
 * handed on to the policy that decides it if nobody does.
 */
@ApplicationScoped
@Named("reminders")
public class Reminders {

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;

    @Inject
    Clock clock;

    /**
     * Claims a change's one reminder: still PENDING, and still due as the Query saw it. The claim takes
     * it out of the due-index, so across replicas exactly one reminds. A change decided since is only
     * taken out of the index. Returns the change to remind of, or null. The policy that decides it if
     * nobody does ({@link Keys#ESCALATING}, asked by the route) keeps it in the index for that decision.
     */
    public StoredChange claimReminder(@Body Map<String, AttributeValue> item,
            @ExchangeProperty(Keys.ESCALATING) Policy escalating, Exchange exchange) {
        String changeId = Items.str(item, Items.ID);
        AttributeValue seenDue = item.get(Items.DUE_AT);
        if (changeId == null || seenDue == null) {
            return null;
        }
        Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS, "#shard", Items.DUE_SHARD,
                "#due", Items.DUE_AT, "#reminded", Items.REMINDED_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pending", Items.s(Status.PENDING.name()),
                ":reminders", Items.s(Items.REMINDERS_SHARD), ":seen", seenDue, ":now",
                Items.s(clock.instant().toString())));
        // a policy that decides changes left undecided (the route asked the policies) keeps it in the
        // due-index, for that decision
        String update = "SET #reminded = :now REMOVE #shard, #due";
        if (escalating != null) {
            Undecided u = escalating.undecided();
            Instant announced = Optional.ofNullable(Items.str(item, Items.ANNOUNCED_AT)).map(Instant::parse)
                    .orElse(clock.instant());
            Instant at = announced.plus(u.after());
            names.putAll(Map.of("#policy", Items.ESCALATE_POLICY, "#then", Items.ESCALATE_THEN, "#after",
                    Items.ESCALATE_AFTER));
            values.putAll(Map.of(":escalations", Items.s(Items.ESCALATIONS_SHARD), ":escalateAt",
                    Items.n(Math.max(at.getEpochSecond(), clock.instant().getEpochSecond())),
                    ":policy", Items.s(escalating.name()), ":then", Items.s(u.then()), ":after", Items.s(u.label())));
            update = "SET #reminded = :now, #shard = :escalations, #due = :escalateAt, #policy = :policy,"
                    + " #then = :then, #after = :after";
        }
        String expression = update;
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression(expression)
                    .conditionExpression("#status = :pending AND #shard = :reminders AND #due = :seen")
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange stored = Items.storedChange(updated);
            exchange.setProperty(Keys.STORED, stored);
            if (escalating != null) {
                // the reminder says what happens if nobody decides, and when
                Instant at = Instant.ofEpochSecond(Long.parseLong(values.get(":escalateAt").n()));
                exchange.setProperty(Keys.ESCALATE_AT, at);
            }
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
