package sgwarden.store;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.change.UnknownChangeException;
import sgwarden.config.Settings;
import sgwarden.decision.ExtendRules;
import sgwarden.decision.Refusals;

/**
 * Extend: an approval for a time gets a new expiry (or becomes permanent), by a click on one change or
 * a group's Extend all. The first of two clicks wins.
 */
@ApplicationScoped
@Named("extensions")
public class Extensions {

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;

    @Inject
    Clock clock;

    /**
     * Extend: moves an approval's expiry to the chosen duration from now (or makes it permanent), while it
     * is APPROVED and not yet past its expiry. The update is conditional on the expiry as read, so the
     * first of two clicks wins and the other is told. The new expiry gets its own Extend notice.
     */
    public StoredChange extend(@ExchangeProperty(Keys.DECISION) Decision decision, Exchange exchange) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(settings.table())
                .key(Items.key(decision.changeId())).consistentRead(true)).item();
        if (item == null || item.isEmpty() || Status.ANNOUNCING.name().equals(Items.str(item, Items.STATUS))) {
            throw new UnknownChangeException(decision.changeId());
        }
        StoredChange stored = Items.storedChange(item);
        Instant now = clock.instant();
        Instant until = ExtendRules.until(stored, decision.approvalFor(), now);
        Map<String, AttributeValue> entry = new HashMap<>(Map.of("decision", Items.s(Decision.Kind.EXTEND.name()),
                "by", Items.s(decision.userId()), "byName", Items.s(String.valueOf(decision.userName())),
                "at", Items.s(now.toString()), "until", Items.s(until == null ? "permanent" : until.toString())));
        Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS, "#until", Items.APPROVED_UNTIL,
                "#history", Items.HISTORY, "#extended", Items.EXTENDED, "#shard", Items.DUE_SHARD,
                "#due", Items.DUE_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":seenUntil", Items.s(stored.approvedUntil().toString()),
                ":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(entry))),
                ":empty", AttributeValue.fromL(List.of()), ":extended", Items.s(ExtendRules.extendedBy(decision))));
        String update = "SET #history = list_append(if_not_exists(#history, :empty), :entry), #extended = :extended";
        if (until == null) {
            // permanent from now on: out of the due-index
            update += " REMOVE #until, #shard, #due";
        } else {
            values.putAll(Map.of(":until", Items.s(until.toString()), ":notices", Items.s(Items.NOTICES_SHARD),
                    ":due", Items.n(ApprovalExpiries.noticeAt(until, now, settings))));
            update += ", #until = :until, #shard = :notices, #due = :due";
        }
        String expression = update;
        // not claimed for its expiry (EXPIRED), and nobody extended it since it was read
        String condition = Transition.EXTEND.condition(values, null) + " AND #until = :seenUntil";
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(decision.changeId()))
                    .updateExpression(expression)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange extended = Items.storedChange(updated);
            exchange.setProperty(Keys.STORED, extended);
            return extended;
        } catch (ConditionalCheckFailedException e) {
            StoredChange meanwhile = Items.storedChange(dynamo.getItem(b -> b.tableName(settings.table())
                    .key(Items.key(decision.changeId())).consistentRead(true)).item());
            throw new DecisionRefusedException(Refusals.extendedMeanwhile(meanwhile));
        }
    }

    /** A group's Extend all, for one of its approvals: extended, or null where it was not open to it. */
    public StoredChange extendIfOpen(@ExchangeProperty(Keys.DECISION) Decision decision, Exchange exchange) {
        try {
            return extend(decision, exchange);
        } catch (DecisionRefusedException | UnknownChangeException e) {
            return null;
        }
    }
}
