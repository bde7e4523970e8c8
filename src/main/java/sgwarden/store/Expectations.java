package sgwarden.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import sgwarden.change.OwnWrite;
import sgwarden.config.Settings;

/**
 * The writes sgwarden expects CloudTrail to report, in the ledger table, so that any replica, or
 * this one after a restart, recognizes them. One item per {@link OwnWrite#key()}: the fields that
 * must match, and a map of open windows, one per write made (a window: from shortly before the
 * write until the deadline, and what the write was for). A detected change consumes one window
 * whose span holds the event's time, with a conditional update, and the item remembers which event
 * consumed it: the same event read again is recognized again, another event with the same content
 * (a replay) is not.
 */
@ApplicationScoped
public class Expectations {

    static final String PREFIX = "expect#";
    static final String WINDOWS = "windows";
    static final String CONSUMED = "consumedBy";
    static final String EVENT_NAME = "eventName";
    static final String SESSION = "sessionName";
    static final String RULES = "expectedRules";
    static final String FROM = "from";
    static final String UNTIL = "until";
    static final String CAUSE = "cause";
    /** The event's time is set by AWS; the write's time by this host. Clocks differ a little. */
    static final Duration SKEW = Duration.ofMinutes(1);

    private final DynamoDbClient dynamo;
    private final Settings settings;
    private final Clock clock;

    @Inject
    public Expectations(DynamoDbClient dynamo, Settings settings, Clock clock) {
        this.dynamo = dynamo;
        this.settings = settings;
        this.clock = clock;
    }

    /** Records a write about to be made; returns the window's ID, to withdraw it if the call fails. */
    public String expect(OwnWrite write, String cause) {
        Instant now = clock.instant();
        Instant until = now.plus(settings.revert().expectationTtl());
        String window = UUID.randomUUID().toString();
        // kept as long as any item: an intake that falls behind still finds it; only the event's time must fit
        long expires = until.plus(settings.retention()).getEpochSecond();
        Map<String, AttributeValue> key = Items.key(write.key());
        dynamo.updateItem(b -> b.tableName(settings.table()).key(key)
                .updateExpression("SET #w = if_not_exists(#w, :empty), #c = if_not_exists(#c, :empty),"
                        + " #account = :account, #region = :region, #group = :group, #event = :event,"
                        + " #session = :session, #rules = :rules, #expires = :expires")
                .expressionAttributeNames(Map.of("#w", WINDOWS, "#c", CONSUMED, "#account", Items.ACCOUNT,
                        "#region", Items.REGION, "#group", Items.GROUP, "#event", EVENT_NAME, "#session", SESSION,
                        "#rules", RULES, "#expires", Items.EXPIRES_AT))
                .expressionAttributeValues(Map.of(":empty", AttributeValue.fromM(Map.of()),
                        ":account", Items.s(write.accountId()), ":region", Items.s(write.region()),
                        ":group", Items.s(write.groupId()), ":event", Items.s(write.eventName()),
                        ":session", Items.s(write.sessionName()),
                        ":rules", AttributeValue.fromL(write.rules().stream().map(Items::s).toList()),
                        ":expires", Items.n(expires))));
        dynamo.updateItem(b -> b.tableName(settings.table()).key(key)
                .updateExpression("SET #w.#id = :window")
                .expressionAttributeNames(Map.of("#w", WINDOWS, "#id", window))
                .expressionAttributeValues(Map.of(":window", AttributeValue.fromM(Map.of(
                        FROM, Items.n(now.minus(SKEW).toEpochMilli()),
                        UNTIL, Items.n(until.toEpochMilli()),
                        CAUSE, Items.s(cause))))));
        return window;
    }

    /** The call failed, so CloudTrail will show no change: the window is closed. */
    public void withdraw(OwnWrite write, String window) {
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(write.key()))
                    .updateExpression("REMOVE #w.#id")
                    .conditionExpression("attribute_exists(#w)")
                    .expressionAttributeNames(Map.of("#w", WINDOWS, "#id", window)));
        } catch (ConditionalCheckFailedException e) {
            // the item is gone (its retention ended): nothing left to close
        }
    }

    /**
     * The event made by this write, if one of its windows is open at the event's time: that window
     * is consumed, once, for this event ID. Null when nothing sgwarden wrote matches.
     */
    public OwnWrite.Recognized consume(OwnWrite shown, String eventId, Instant eventTime) {
        Map<String, AttributeValue> key = Items.key(shown.key());
        long at = eventTime.toEpochMilli();
        // a window taken by a concurrent reader of another event is skipped; the next open one is tried
        for (int attempt = 0; attempt < 3; attempt++) {
            Map<String, AttributeValue> item = dynamo
                    .getItem(b -> b.tableName(settings.table()).key(key).consistentRead(true)).item();
            if (item == null || item.isEmpty()) {
                return null;
            }
            AttributeValue consumed = item.get(CONSUMED);
            if (consumed != null && consumed.hasM() && consumed.m().containsKey(eventId)) {
                return new OwnWrite.Recognized(consumed.m().get(eventId).s(), true);
            }
            List<Map.Entry<String, AttributeValue>> open = new ArrayList<>();
            AttributeValue windows = item.get(WINDOWS);
            if (windows != null && windows.hasM()) {
                windows.m().entrySet().stream()
                        .filter(w -> millis(w.getValue(), FROM) <= at && at <= millis(w.getValue(), UNTIL))
                        .sorted(Comparator.comparingLong(w -> millis(w.getValue(), FROM)))
                        .forEach(open::add);
            }
            if (open.isEmpty()) {
                return null;
            }
            Map.Entry<String, AttributeValue> w = open.get(0);
            String cause = w.getValue().m().get(CAUSE).s();
            try {
                dynamo.updateItem(b -> b.tableName(settings.table()).key(key)
                        .updateExpression("REMOVE #w.#id SET #c.#event = :cause")
                        .conditionExpression("attribute_exists(#w.#id) AND attribute_not_exists(#c.#event)")
                        .expressionAttributeNames(Map.of("#w", WINDOWS, "#id", w.getKey(), "#c", CONSUMED,
                                "#event", eventId))
                        .expressionAttributeValues(Map.of(":cause", Items.s(cause))));
                return new OwnWrite.Recognized(cause, false);
            } catch (ConditionalCheckFailedException e) {
                // taken meanwhile, by another event or by this one read by another replica: read again
            }
        }
        return null;
    }

    private static long millis(AttributeValue window, String field) {
        AttributeValue v = window.hasM() ? window.m().get(field) : null;
        return v == null || v.n() == null ? Long.MIN_VALUE : Long.parseLong(v.n());
    }
}
