package sgwarden.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.config.Settings;

/**
 * A change's way from claimed to announced in the ledger table: its full record while it is ANNOUNCING,
 * then PENDING (open to a decision) once Slack has accepted its post, with where that post is; or, for
 * a change that could not be read, the notice told. A change of a group posted alone is taken once.
 */
@ApplicationScoped
@Named("announcementRecords")
public class AnnouncementRecords {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    /**
     * Stores the full record of a change just claimed by the ledger. It stays ANNOUNCING (not yet a
     * change anyone can decide on) until Slack has accepted its post.
     */
    public SecurityGroupChange saveClaimed(SecurityGroupChange change) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":announcing", Items.s(Status.ANNOUNCING.name()));
        values.put(":time", Items.s(change.eventTime().toString()));
        values.put(":name", Items.s(change.eventName()));
        values.put(":account", Items.s(change.accountId()));
        values.put(":region", Items.s(change.region()));
        values.put(":group", Items.s(change.groupId()));
        values.put(":direction", Items.s(change.direction().name()));
        values.put(":rules", AttributeValue.fromL(change.ruleIds().stream().map(Items::s).toList()));
        values.put(":actor", Items.s(String.valueOf(change.actor().principalArn())));
        values.put(":intake", Items.s(String.valueOf(change.intake())));
        values.put(":record", Items.s(change.record()));
        // a modification keeps the earlier forms it was announced with: Deny restores exactly those
        values.put(":earlier", Forms.ofAll(change.earlier()));
        dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(change.eventId()))
                .updateExpression("SET #time = :time, #name = :name, #account = :account,"
                        + " #region = :region, #group = :group, #direction = :direction, #rules = :rules,"
                        + " #actor = :actor, #intake = :intake, #record = :record, #earlier = :earlier")
                .conditionExpression("#status = :announcing")
                .expressionAttributeNames(Map.ofEntries(
                        Map.entry("#status", Items.STATUS), Map.entry("#time", Items.EVENT_TIME),
                        Map.entry("#name", Items.EVENT_NAME), Map.entry("#account", Items.ACCOUNT),
                        Map.entry("#region", Items.REGION), Map.entry("#group", Items.GROUP),
                        Map.entry("#direction", Items.DIRECTION), Map.entry("#rules", Items.RULE_IDS),
                        Map.entry("#actor", Items.ACTOR), Map.entry("#intake", Items.INTAKE),
                        Map.entry("#record", Items.RECORD), Map.entry("#earlier", Items.EARLIER)))
                .expressionAttributeValues(values));
        return change;
    }

    /** A group set or prefix list that could not be read, and Slack has accepted the notice: nothing is left to decide. */
    public void noticed(@Body SecurityGroupChange change) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":unreadable", Transition.TELL_UNREADABLE.target(Status.UNREADABLE), ":name",
                Items.s(change.eventName()),
                ":account", Items.s(change.accountId()), ":region", Items.s(change.region()),
                ":record", Items.s(change.record()), ":why", Items.s(change.unreadable())));
        String condition = Transition.TELL_UNREADABLE.condition(values, null);
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(change.eventId()))
                    .updateExpression("SET #status = :unreadable, #name = :name, #account = :account,"
                            + " #region = :region, #record = :record, #error = :why")
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#name", Items.EVENT_NAME,
                            "#account", Items.ACCOUNT, "#region", Items.REGION, "#record", Items.RECORD,
                            "#error", Items.ERROR))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // another run told Slack first
        }
    }

    /**
     * Slack has accepted the post: the change is announced and open to a decision (PENDING). Only a
     * claim still ANNOUNCING moves; if a second run took a stale claim over and confirmed first, or
     * somebody decided already, the change stays as it is.
     */
    public void confirmAnnounced(@Body SecurityGroupChange change,
            @ExchangeProperty(Keys.SLACK_CHANNEL) String slackChannel,
            @ExchangeProperty(Keys.SLACK_TS) String slackTs,
            @ExchangeProperty(Keys.GROUP) String groupId) {
        Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS, "#announced", Items.ANNOUNCED_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pending",
                Transition.ANNOUNCE.target(Status.PENDING), ":now", Items.s(clock.instant().toString())));
        // due for its reminder unless decided first (the timer reads the due-index)
        names.putAll(Map.of("#shard", Items.DUE_SHARD, "#due", Items.DUE_AT));
        values.putAll(Map.of(":reminders", Items.s(Items.REMINDERS_SHARD),
                ":remindAt", Items.n(clock.instant().plus(settings.reminder().after()).getEpochSecond())));
        String update = "SET #status = :pending, #announced = :now, #shard = :reminders, #due = :remindAt";
        // a change announced in a group keeps no ts: an expiry or an Extend would replace the whole group
        // message with this one change; it gets a message of its own instead (one by one sets its own ts)
        if (slackTs != null && slackChannel != null && groupId == null) {
            // in bot-token mode, where the message is: an expiry updates it and replies in its thread
            names.putAll(Map.of("#ts", Items.SLACK_TS, "#channel", Items.SLACK_CHANNEL));
            values.putAll(Map.of(":ts", Items.s(slackTs), ":channel", Items.s(slackChannel)));
            update += ", #ts = :ts, #channel = :channel";
        }
        if (groupId != null) {
            names.put("#in", Items.ANNOUNCED_IN);
            values.put(":in", Items.s(groupId));
            update += ", #in = :in";
        }
        String expression = update;
        String condition = Transition.ANNOUNCE.condition(values, null);
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(change.eventId()))
                    .updateExpression(expression)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // confirmed by the run that took the claim over, or decided on already: announced either way
        }
    }

    /**
     * Decide one by one: takes a change of the group to be posted alone, once (a second click, or a
     * second run after a kill, finds it taken). From then on its reminder, notice and expiry speak of
     * it alone, not in the group's digest. False where it was taken or decided already.
     */
    public boolean takeAlone(@Body SecurityGroupChange change, @ExchangeProperty(Keys.GROUP) String groupId) {
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(change.eventId()))
                    // the group message still lists it: its outcome shows there too (postedAloneFrom)
                    .updateExpression("SET #from = :group REMOVE #in")
                    .conditionExpression("#in = :group AND #status = :pending")
                    .expressionAttributeNames(Map.of("#in", Items.ANNOUNCED_IN, "#status", Items.STATUS,
                            "#from", Items.ALONE_FROM))
                    .expressionAttributeValues(Map.of(":group", Items.s(groupId),
                            ":pending", Items.s(Status.PENDING.name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** In bot-token mode, a change posted alone keeps the ts of its own message: an expiry updates that one. */
    public void postedAlone(@Body SecurityGroupChange change,
            @ExchangeProperty(Keys.SLACK_CHANNEL) String slackChannel,
            @ExchangeProperty(Keys.SLACK_TS) String slackTs) {
        if (slackTs == null || slackChannel == null) {
            return;
        }
        dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(change.eventId()))
                .updateExpression("SET #ts = :ts, #channel = :channel")
                .conditionExpression("attribute_exists(#id)")
                .expressionAttributeNames(
                        Map.of("#ts", Items.SLACK_TS, "#channel", Items.SLACK_CHANNEL, "#id", Items.ID))
                .expressionAttributeValues(Map.of(":ts", Items.s(slackTs), ":channel", Items.s(slackChannel))));
    }
}
