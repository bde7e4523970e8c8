package sgwarden.store;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import sgwarden.change.Decision;
import sgwarden.change.Direction;
import sgwarden.change.Keys;
import sgwarden.change.KnownForm;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.config.Settings;

/**
 * The current form of every rule sgwarden has seen, by rule ID, so that a modification can be shown
 * and undone: CloudTrail does not record what a modified rule was before. One item per rule in the
 * ledger table, keyed "rule#" + rule ID (no CloudTrail event ID starts so), holding the form, the
 * event that set it and the form before that event. Keeping the form before makes a redelivered
 * event find the same earlier form as its first delivery did.
 */
@ApplicationScoped
@Named("ruleForms")
public class RuleForms {

    static final String PREFIX = "rule#";

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Inject
    java.time.Clock clock;

    /** Adds to a modification the earlier form of each of its rules that the ledger knows. */
    public SecurityGroupChange recall(SecurityGroupChange change) {
        if (change == null || !change.isModification()) {
            return change;
        }
        Map<String, KnownForm> earlier = new LinkedHashMap<>();
        long at = change.eventTime().toEpochMilli();
        for (String ruleId : change.ruleIds()) {
            Map<String, AttributeValue> item = dynamo
                    .getItem(b -> b.tableName(settings.table()).key(Items.key(PREFIX + ruleId))
                            .consistentRead(true))
                    .item();
            if (item == null || item.isEmpty()) {
                continue;
            }
            KnownForm form = null;
            if (change.eventId().equals(Items.str(item, Items.RULE_EVENT))) {
                form = Forms.read(ruleId, item.get(Items.RULE_PREVIOUS));
            } else if (Long.parseLong(item.get(Items.RULE_EVENT_AT).n()) <= at) {
                form = Forms.read(ruleId, item.get(Items.RULE_FORM));
            }
            // a form set by a later event says nothing about the one before this event
            if (form != null) {
                earlier.put(ruleId, form);
            }
        }
        return change.withEarlier(earlier);
    }

    /** Records the forms this change gave its rules, unless a later event has already been recorded. */
    public SecurityGroupChange remember(SecurityGroupChange change) {
        if (change == null) {
            return null;
        }
        long at = change.eventTime().toEpochMilli();
        long expires = change.eventTime().plus(settings.retention()).getEpochSecond();
        for (Rule rule : change.rules()) {
            if (rule.ruleId() == null || rule.ruleId().isBlank()) {
                continue;
            }
            Direction direction = change.direction();
            if (change.isModification()) {
                KnownForm before = change.earlier().get(rule.ruleId());
                direction = before == null ? null : before.direction();
            }
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":form", Forms.of(new KnownForm(direction, rule)));
            values.put(":none", AttributeValue.fromNul(true));
            values.put(":event", Items.s(change.eventId()));
            values.put(":at", Items.n(at));
            values.put(":account", Items.s(change.accountId()));
            values.put(":region", Items.s(change.region()));
            values.put(":group", Items.s(change.groupId()));
            values.put(":expires", Items.n(expires));
            try {
                dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(PREFIX + rule.ruleId()))
                        // the previous values are read before this update writes
                        .updateExpression("SET #prev = if_not_exists(#form, :none),"
                                + " #prevEvent = if_not_exists(#event, :none), #form = :form, #event = :event,"
                                + " #at = :at, #account = :account, #region = :region, #group = :group,"
                                + " #expires = :expires")
                        .conditionExpression("attribute_not_exists(#at) OR (#at <= :at AND #event <> :event)")
                        .expressionAttributeNames(Map.of("#prev", Items.RULE_PREVIOUS, "#prevEvent",
                                Items.RULE_PREVIOUS_EVENT, "#form", Items.RULE_FORM, "#event", Items.RULE_EVENT,
                                "#at", Items.RULE_EVENT_AT, "#account", Items.ACCOUNT, "#region", Items.REGION,
                                "#group", Items.GROUP, "#expires", Items.EXPIRES_AT))
                        .expressionAttributeValues(values));
            } catch (ConditionalCheckFailedException e) {
                // already recorded (a redelivery), or a later event set the rule's form: that one stands
            }
        }
        return change;
    }

    /** The form the ledger holds for a rule now, or null. */
    public KnownForm current(String ruleId) {
        Map<String, AttributeValue> item = dynamo
                .getItem(b -> b.tableName(settings.table()).key(Items.key(PREFIX + ruleId))
                        .consistentRead(true))
                .item();
        return item == null ? null : Forms.read(ruleId, item.get(Items.RULE_FORM));
    }

    /** After a Deny put rules back, the ledger's forms of those rules are the restored ones. */
    public Restoration restored(@org.apache.camel.ExchangeProperty(Keys.DECISION) Decision decision,
            @org.apache.camel.Body Restoration restoration) {
        for (Map.Entry<String, KnownForm> e : restoration.restored().entrySet()) {
            // an event ID of its own: the CloudTrail record of the restoring call, when it comes, is recorded too
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(PREFIX + e.getKey()))
                    .updateExpression(
                            "SET #prev = if_not_exists(#form, :none), #prevEvent = if_not_exists(#event, :none),"
                                    + " #form = :form, #event = :event, #at = :now")
                    .expressionAttributeNames(Map.of("#prev", Items.RULE_PREVIOUS, "#prevEvent",
                            Items.RULE_PREVIOUS_EVENT, "#form", Items.RULE_FORM, "#event", Items.RULE_EVENT,
                            "#at", Items.RULE_EVENT_AT))
                    // dated now, so the denied change, queried again from the Lake, cannot set its form back
                    .expressionAttributeValues(Map.of(":form", Forms.of(e.getValue()), ":none",
                            AttributeValue.fromNul(true), ":event", Items.s("revert-of-" + decision.changeId()),
                            ":now", Items.n(clock.millis()))));
        }
        return restoration;
    }
}
