package sgwarden.store;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Exchange;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.UnknownChangeException;
import sgwarden.config.Settings;
import sgwarden.plumbing.Heartbeat;
import sgwarden.plumbing.TamperEvent;

/**
 * The table's part in watching the plumbing. A tamper alert is claimed by the ledger like a change
 * (one alert per CloudTrail event ID, whatever the number of replicas and deliveries), then marked
 * posted, and acknowledged once. A heartbeat keeps the last time heard per account and region in
 * the item heartbeat#account#region, due in the due-index once the silence would be too long; the
 * claim of a silence and the return are conditional updates, so each is posted once across replicas.
 */
@ApplicationScoped
@Named("plumbingRecords")
public class PlumbingRecords {

    /** The due-index shard of heartbeats: dueAt is when their silence is to be posted. */
    public static final String HEARTBEAT_SHARD = "heartbeat";
    static final String KIND = "kind";
    static final String LAST_HEARD = "lastHeard";
    static final String SILENT_SINCE = "silentSince";
    static final String ACKNOWLEDGED_BY = "acknowledgedBy";
    static final String ACKNOWLEDGED_BY_NAME = "acknowledgedByName";
    static final String ACKNOWLEDGED_AT = "acknowledgedAt";
    static final String PART = "part";

    /** A silence claimed by this replica: posted next. */
    public record Silence(String account, String region, Instant lastHeard, Instant now) {
    }

    /** A heartbeat heard again after its silence was posted. */
    public record Return(String account, String region, Instant lastHeard, Instant silentSince, Instant now) {
    }

    /** A tamper alert as the table keeps it, with who acknowledged it (null before). */
    public record Acknowledged(String eventId, String record, String by, String byName, Instant at) {
    }

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;
    @Inject
    Clock clock;

    private Instant startedAt = Instant.EPOCH;

    void onStart(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        startedAt = clock.instant();
    }

    /** After the ledger's claim: what the alert is about, for the audit trail and the acknowledgement. */
    public void saveTamper(@Body TamperEvent event) {
        dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(event.eventId()))
                .updateExpression("SET #kind = :tamper, #name = :name, #account = :account, #region = :region,"
                        + " #part = :part, #actor = :actor, #record = :record, #time = :time")
                .conditionExpression("#status = :announcing")
                .expressionAttributeNames(Map.of("#kind", KIND, "#name", Items.EVENT_NAME, "#account", Items.ACCOUNT,
                        "#region", Items.REGION, "#part", PART, "#actor", Items.ACTOR, "#record", Items.RECORD,
                        "#time", Items.EVENT_TIME, "#status", Items.STATUS))
                .expressionAttributeValues(Map.of(":tamper", Items.s("tamper"), ":name", Items.s(event.eventName()),
                        ":account", Items.s(event.account()), ":region", Items.s(event.region()),
                        ":part", Items.s(event.partName()),
                        ":actor", Items.s(String.valueOf(event.actor().principalArn())),
                        ":record", Items.s(event.record()), ":time", Items.s(event.eventTime().toString()),
                        ":announcing", Items.s(Status.ANNOUNCING.name()))));
    }

    /** Slack accepted the alert: from now on the ledger takes its event as a duplicate. */
    public void confirmTamper(@Body TamperEvent event) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":alerted", Transition.ALERT.target(Status.TAMPER_ALERTED), ":now",
                Items.s(clock.instant().toString())));
        String condition = Transition.ALERT.condition(values, null);
        dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(event.eventId()))
                .updateExpression("SET #status = :alerted, #announced = :now")
                .conditionExpression(condition)
                .expressionAttributeNames(Map.of("#status", Items.STATUS, "#announced", Items.ANNOUNCED_AT))
                .expressionAttributeValues(values));
    }

    /** Records who acknowledged a tamper alert, once; a second click is told who did it first. */
    public Acknowledged acknowledge(@org.apache.camel.ExchangeProperty(Keys.DECISION) Decision decision) {
        Instant now = clock.instant();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":acknowledged", Transition.ACKNOWLEDGE.target(Status.TAMPER_ACKNOWLEDGED),
                ":tamper", Items.s("tamper"), ":by", Items.s(decision.userId()),
                ":byName", Items.s(decision.userName() == null ? decision.userId() : decision.userName()),
                ":at", Items.s(now.toString())));
        String condition = "#kind = :tamper AND " + Transition.ACKNOWLEDGE.condition(values, null);
        try {
            Map<String, AttributeValue> item = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(decision.changeId()))
                    .updateExpression("SET #status = :acknowledged, #by = :by, #byName = :byName, #at = :at")
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#kind", KIND,
                            "#by", ACKNOWLEDGED_BY, "#byName", ACKNOWLEDGED_BY_NAME, "#at", ACKNOWLEDGED_AT))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            return acknowledged(item);
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(settings.table())
                    .key(Items.key(decision.changeId())).consistentRead(true)).item();
            if (item == null || item.isEmpty() || !"tamper".equals(Items.str(item, KIND))) {
                throw new UnknownChangeException(decision.changeId());
            }
            Acknowledged before = acknowledged(item);
            throw new DecisionRefusedException(before.by() == null ? "This alert is not posted yet."
                    : "Already acknowledged by " + before.byName() + " at " + before.at() + ".");
        }
    }

    private static Acknowledged acknowledged(Map<String, AttributeValue> item) {
        String at = Items.str(item, ACKNOWLEDGED_AT);
        return new Acknowledged(Items.str(item, Items.ID), Items.str(item, Items.RECORD),
                Items.str(item, ACKNOWLEDGED_BY), Items.str(item, ACKNOWLEDGED_BY_NAME),
                at == null ? null : Instant.parse(at));
    }

    /**
     * Keeps the last time heard (never moving it back) and when its silence falls due. Returns the
     * return from a silence that was posted, which exactly one heartbeat takes; null otherwise.
     */
    public Return heard(@Body Heartbeat heartbeat) {
        // the time sgwarden heard it, not the time EventBridge sent it: a backlog read after a restart
        // is heard now, and neither a silence nor a skewed sender's clock is read into it
        Instant at = clock.instant();
        long due = at.plus(settings.heartbeat().silence()).getEpochSecond();
        try {
            Map<String, AttributeValue> old = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(heartbeat.key()))
                    .updateExpression("SET #kind = :heartbeat, #account = :account, #region = :region, #heard = :at,"
                            + " #shard = :shard, #due = :due REMOVE #silent")
                    .conditionExpression("attribute_not_exists(#heard) OR #heard < :at")
                    .expressionAttributeNames(Map.of("#kind", KIND, "#account", Items.ACCOUNT,
                            "#region", Items.REGION, "#heard", LAST_HEARD, "#shard", Items.DUE_SHARD,
                            "#due", Items.DUE_AT, "#silent", SILENT_SINCE))
                    .expressionAttributeValues(Map.of(":heartbeat", Items.s("heartbeat"),
                            ":account", Items.s(heartbeat.account()), ":region", Items.s(heartbeat.region()),
                            ":at", Items.n(at.getEpochSecond()), ":shard", Items.s(HEARTBEAT_SHARD),
                            ":due", Items.n(due)))
                    .returnValues(ReturnValue.ALL_OLD)).attributes();
            if (old == null || !old.containsKey(SILENT_SINCE)) {
                return null;
            }
            return new Return(heartbeat.account(), heartbeat.region(), epoch(old, LAST_HEARD), epoch(old, SILENT_SINCE),
                    at);
        } catch (ConditionalCheckFailedException e) {
            // heard already at this time or later: a second delivery, or one overtaken
            return null;
        }
    }

    /**
     * Whether this instance judges silences yet: only once it has been up for sgwarden.heartbeat.silence.
     * Before that, heartbeats queued while it (or every replica) was down may still be on their way.
     */
    public boolean judging() {
        return !clock.instant().isBefore(startedAt.plus(settings.heartbeat().silence()));
    }

    /** The aws2-ddb Query: the heartbeats whose silence is due by now. */
    public void silentQuery(Exchange exchange) {
        exchange.getMessage().setHeader("CamelAwsDdbIndexName", DueIndex.INDEX);
        exchange.getMessage().setHeader("CamelAwsDdbKeyConditions", Map.of(
                Items.DUE_SHARD, Condition.builder().comparisonOperator(ComparisonOperator.EQ)
                        .attributeValueList(Items.s(HEARTBEAT_SHARD)).build(),
                Items.DUE_AT, Condition.builder().comparisonOperator(ComparisonOperator.LE)
                        .attributeValueList(Items.n(clock.instant().getEpochSecond())).build()));
        exchange.getMessage().setHeader("CamelAwsDdbLimit", DueIndex.PAGE);
    }

    /**
     * Claims a silence that fell due, as the Query saw it: the one replica whose conditional update
     * wins posts it. The claim keeps the item due a check period later, so a post that fails is tried
     * again; {@link #silencePosted} takes it out of the index. Returns null where another replica
     * claimed it or a heartbeat came meanwhile.
     */
    public Silence claimSilence(@Body Map<String, AttributeValue> item, Exchange exchange) {
        String key = Items.str(item, Items.ID);
        AttributeValue seenDue = item.get(Items.DUE_AT);
        if (key == null || seenDue == null || !item.containsKey(LAST_HEARD)) {
            return null;
        }
        Instant now = clock.instant();
        AttributeValue retry = Items.n(now.plus(settings.heartbeat().checkPeriod()).getEpochSecond());
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(key))
                    .updateExpression("SET #silent = if_not_exists(#silent, :now), #due = :retry")
                    .conditionExpression("#shard = :shard AND #due = :seen")
                    .expressionAttributeNames(Map.of("#silent", SILENT_SINCE, "#due", Items.DUE_AT,
                            "#shard", Items.DUE_SHARD))
                    .expressionAttributeValues(Map.of(":now", Items.n(now.getEpochSecond()), ":retry", retry,
                            ":shard", Items.s(HEARTBEAT_SHARD), ":seen", seenDue)));
        } catch (ConditionalCheckFailedException e) {
            return null;
        }
        exchange.setProperty(Keys.SILENCE_DUE, retry.n());
        return new Silence(Items.str(item, Items.ACCOUNT), Items.str(item, Items.REGION), epoch(item, LAST_HEARD),
                now);
    }

    /** The silence is posted: out of the due-index until the next heartbeat (unless one came meanwhile). */
    public void silencePosted(@Body Silence silence, @org.apache.camel.ExchangeProperty(Keys.SILENCE_DUE) String due) {
        Map<String, String> names = new HashMap<>(Map.of("#shard", Items.DUE_SHARD, "#due", Items.DUE_AT));
        try {
            dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(new Heartbeat(silence.account(), silence.region(), silence.now()).key()))
                    .updateExpression("REMOVE #shard, #due")
                    .conditionExpression("#due = :claimed")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":claimed", AttributeValue.fromN(due))));
        } catch (ConditionalCheckFailedException e) {
            // a heartbeat came back in between: it took the item (and says it is back)
        }
    }

    private static Instant epoch(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Instant.ofEpochSecond(Long.parseLong(v.n()));
    }
}
