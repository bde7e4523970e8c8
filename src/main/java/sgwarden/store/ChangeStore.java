package sgwarden.store;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.change.UnknownChangeException;
import sgwarden.config.Settings;
import sgwarden.decision.Refusals;

/**
 * Keeps each change, the decision on it and the revert's outcome in the ledger table. Every state
 * change is a conditional update, so the first decision wins however many clicks arrive at once.
 */
@ApplicationScoped
@Named("changeStore")
public class ChangeStore {

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

    public StoredChange find(String changeId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(settings.table()).key(Items.key(changeId))
                .consistentRead(true)).item();
        // a group message's item is not a change; one still ANNOUNCING is not open to a decision yet
        if (item == null || item.isEmpty() || !item.containsKey(Items.STATUS)
                || Status.ANNOUNCING.name().equals(Items.str(item, Items.STATUS))) {
            throw new UnknownChangeException(changeId);
        }
        return Items.storedChange(item);
    }

    /**
     * Records a decision if the change is still open to it: Approve only while PENDING, Deny while
     * PENDING or after a failed revert. Otherwise says who decided first, and when.
     */
    public StoredChange decide(@ExchangeProperty(Keys.DECISION) Decision decision) {
        boolean deny = decision.kind() == Decision.Kind.DENY;
        Transition transition = deny ? Transition.DENY : Transition.APPROVE;
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", transition.target(deny ? Status.REVERTING : Status.APPROVED));
        values.put(":decision", Items.s(decision.kind().name()));
        values.put(":by", Items.s(decision.userId()));
        values.put(":byName", Items.s(String.valueOf(decision.userName())));
        values.put(":at", Items.s(decision.at().toString()));
        values.put(":atEpoch", Items.n(decision.at().getEpochSecond()));
        if (deny) {
            values.put(":stuck", Items.n(decision.at().minus(settings.revert().stuckAfter()).getEpochSecond()));
        }
        values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                "decision", Items.s(decision.kind().name()), "by", Items.s(decision.userId()),
                "byName", Items.s(String.valueOf(decision.userName())), "at", Items.s(decision.at().toString()))))));
        values.put(":empty", AttributeValue.fromL(List.of()));
        Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS, "#decision", Items.DECISION,
                "#by", Items.DECIDED_BY, "#byName", Items.DECIDED_BY_NAME, "#at", Items.DECIDED_AT,
                "#atEpoch", Items.DECIDED_AT_EPOCH, "#history", Items.HISTORY, "#error", Items.ERROR));
        String expiry = "";
        ApprovalDuration term = deny ? null : decision.approvalFor();
        if (term != null && !term.permanent()) {
            // an approval for a time enters the due-index, first for its Extend notice (Expiries.noticeAt)
            Instant until = decision.at().plus(term.duration());
            values.put(":shard", Items.s(Items.NOTICES_SHARD));
            values.put(":due", Items.n(Expiries.noticeAt(until, decision.at(), settings)));
            values.put(":until", Items.s(until.toString()));
            values.put(":for", Items.s(term.label()));
            names.putAll(Map.of("#shard", Items.DUE_SHARD, "#due", Items.DUE_AT, "#until", Items.APPROVED_UNTIL,
                    "#for", Items.APPROVED_FOR));
            expiry = ", #shard = :shard, #due = :due, #until = :until, #for = :for";
        } else {
            // decided for good: no reminder, no expiry; out of the due-index
            names.putAll(Map.of("#shard", Items.DUE_SHARD, "#due", Items.DUE_AT));
        }
        String update = "SET #status = :next, #decision = :decision, #by = :by, #byName = :byName,"
                + " #at = :at, #atEpoch = :atEpoch,"
                + " #history = list_append(if_not_exists(#history, :empty), :entry)" + expiry
                + " REMOVE #error" + (expiry.isEmpty() ? ", #shard, #due" : "");
        // a revert whose instance died mid-way (REVERTING for too long) may be denied again
        String condition = transition.condition(values, "#atEpoch < :stuck");
        try {
            UpdateItemResponse updated = dynamo
                    .updateItem(b -> b.tableName(settings.table()).key(Items.key(decision.changeId()))
                            .updateExpression(update)
                            .conditionExpression(condition)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .returnValues(ReturnValue.ALL_NEW));
            return Items.storedChange(updated.attributes());
        } catch (ConditionalCheckFailedException e) {
            throw new DecisionRefusedException(Refusals.alreadyDecided(find(decision.changeId())));
        }
    }

    /**
     * A group's decision on one of its changes: recorded as a click on that change would be, or null
     * where the change was decided otherwise first (first decision wins, change by change).
     */
    public StoredChange decideIfOpen(@ExchangeProperty(Keys.DECISION) Decision decision) {
        try {
            return decide(decision);
        } catch (DecisionRefusedException | UnknownChangeException e) {
            return null;
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
                    .updateExpression("REMOVE #in")
                    .conditionExpression("#in = :group AND #status = :pending")
                    .expressionAttributeNames(Map.of("#in", Items.ANNOUNCED_IN, "#status", Items.STATUS))
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

    /** Records how a revert ended. Only the revert that holds the REVERTING state may do so. */
    public StoredChange recordOutcome(@ExchangeProperty(Keys.DECISION) Decision decision, Status outcome,
            String error) {
        return recordOutcome(decision, outcome, error, Map.of());
    }

    private StoredChange recordOutcome(Decision decision, Status done, String error,
            Map<String, AttributeValue> details) {
        // a quarantine's revert leaves the change open to a person: Approve restores, Deny keeps it off
        Status outcome = done == Status.REVERTED && decision.kind() == Decision.Kind.QUARANTINE ? Status.QUARANTINED
                : done;
        Instant now = clock.instant();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":outcome", Transition.REVERT_DONE.target(outcome));
        values.put(":now", Items.s(now.toString()));
        Map<String, AttributeValue> entry = new HashMap<>(Map.of("outcome", Items.s(outcome.name()),
                "by", Items.s(decision.userId()), "at", Items.s(now.toString())));
        entry.putAll(details);
        String update = "SET #status = :outcome, #outcomeAt = :now,"
                + " #history = list_append(if_not_exists(#history, :empty), :entry)";
        if (error != null) {
            values.put(":error", Items.s(error));
            entry.put("error", Items.s(error));
            update += ", #error = :error";
        }
        values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(entry))));
        values.put(":empty", AttributeValue.fromL(List.of()));
        Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS, "#outcomeAt", Items.OUTCOME_AT,
                "#history", Items.HISTORY, "#shard", Items.DUE_SHARD, "#due", Items.DUE_AT));
        if (error != null) {
            names.put("#error", Items.ERROR);
        }
        // done: the item leaves the due-index (an expiry's revert is not picked up again)
        String expression = update + " REMOVE #shard, #due";
        // Deny's revert holds REVERTING, an expiry's holds EXPIRED
        String condition = Transition.REVERT_DONE.condition(values, null);
        UpdateItemResponse updated = dynamo
                .updateItem(b -> b.tableName(settings.table()).key(Items.key(decision.changeId()))
                        .updateExpression(expression)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names)
                        .expressionAttributeValues(values)
                        .returnValues(ReturnValue.ALL_NEW));
        return Items.storedChange(updated.attributes());
    }

    /** Records a finished revert: REVERTED or ALREADY_GONE. */
    public StoredChange recordReverted(@ExchangeProperty(Keys.DECISION) Decision decision,
            @Body Status outcome) {
        return recordOutcome(decision, outcome, null);
    }

    /**
     * Records how the revert of a modification ended, and what it did: the forms it put back and the
     * rules it removed because their earlier forms were not known.
     */
    public StoredChange recordRestored(@ExchangeProperty(Keys.DECISION) Decision decision,
            @Body Restoration restoration) {
        Map<String, AttributeValue> details = new HashMap<>();
        if (!restoration.restored().isEmpty()) {
            details.put("restoredForms", Forms.ofAll(restoration.restored()));
        }
        if (!restoration.removed().isEmpty()) {
            details.put("removedRules", AttributeValue.fromL(restoration.removed().stream().map(Items::s).toList()));
        }
        return recordOutcome(decision, restoration.outcome(), null, details);
    }

    /** Records a failed revert with its reason; the change may be denied again. */
    public StoredChange recordFailure(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        return recordOutcome(decision, Status.REVERT_FAILED, reason(failure));
    }

    static String reason(Throwable failure) {
        if (failure instanceof AwsServiceException aws
                && aws.awsErrorDetails() != null) {
            String message = aws.awsErrorDetails().errorMessage();
            return aws.awsErrorDetails().errorCode() + (message == null ? "" : ": " + message);
        }
        if (failure != null && failure.getCause() != null && failure.getMessage() != null
                && failure.getMessage().startsWith(failure.getCause().getClass().getName())) {
            return reason(failure.getCause());
        }
        return failure == null ? "unknown error" : String.valueOf(failure.getMessage());
    }
}
