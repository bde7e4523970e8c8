package sgwarden.store;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

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
import sgwarden.change.StoredChange;
import sgwarden.change.UnknownChangeException;
import sgwarden.config.Settings;
import sgwarden.decision.ExtendRules;
import sgwarden.decision.Refusals;
import sgwarden.policy.Policy;
import sgwarden.policy.Undecided;

/**
 * Approvals for a time: which are due (the Query the aws2-ddb endpoint runs on the due-index), and
 * the claim that lets exactly one replica revert each. The claim is a conditional update, as decisions
 * are: APPROVED becomes EXPIRED once, whatever the number of replicas reading the same item.
 */
@ApplicationScoped
@Named("expiries")
public class Expiries {

    public static final String INDEX = "due-index";
    /** Items read per Query: what one tick takes on; the rest stay due for the next tick. */
    static final int PAGE = 100;
    /** Who the audit trail says reverted an expired approval. */
    public static final String BY = "sgwarden:expiry";

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;

    @Inject
    Clock clock;

    /** Due checks begun: whoever moved time on can see a check that began after it. */
    private final AtomicLong checks = new AtomicLong();

    /** The aws2-ddb Query: the approvals shard, dueAt up to now (a Query reads only those, not the table). */
    public void query(String shard, Exchange exchange) {
        if ("notice".equals(shard)) {
            checks.incrementAndGet();
        }
        long now = clock.instant().getEpochSecond();
        exchange.getMessage().setHeader("CamelAwsDdbIndexName", INDEX);
        exchange.getMessage().setHeader("CamelAwsDdbKeyConditions", Map.of(
                Items.DUE_SHARD, Condition.builder().comparisonOperator(ComparisonOperator.EQ)
                        .attributeValueList(Items.s(shard)).build(),
                Items.DUE_AT, Condition.builder().comparisonOperator(ComparisonOperator.LE)
                        .attributeValueList(Items.n(now)).build()));
        exchange.getMessage().setHeader("CamelAwsDdbLimit", PAGE);
    }

    /** How many due checks have begun (each tick of the due-items timer begins with the notices). */
    public long checks() {
        return checks.get();
    }

    /**
     * Claims one due item: APPROVED (or EXPIRED whose revert was left by a dead replica, due again after
     * sgwarden.revert.stuck-after) becomes EXPIRED, with the entry in its audit trail. Returns the change
     * with the decision the revert path acts under, or null where another replica holds it or it was
     * decided otherwise meanwhile.
     */
    public StoredChange claim(@Body Map<String, AttributeValue> item, Exchange exchange) {
        String changeId = Items.str(item, Items.ID);
        AttributeValue seenDue = item.get(Items.DUE_AT);
        if (changeId == null || seenDue == null) {
            return null;
        }
        Instant now = clock.instant();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":expired", Transition.EXPIRE.target(Status.EXPIRED),
                ":approvals", Items.s(Items.APPROVALS_SHARD), ":seen", seenDue,
                ":retry", Items.n(now.plus(settings.revert().stuckAfter()).getEpochSecond()),
                ":now", Items.s(now.toString()), ":empty", AttributeValue.fromL(List.of()),
                ":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of(
                        "outcome", Items.s(Status.EXPIRED.name()), "by", Items.s(BY),
                        "at", Items.s(now.toString())))))));
        // an expiry claimed by a replica that died is due again (at :retry): held too long, taken again
        String condition = Transition.EXPIRE.condition(values, "#due = :seen")
                + " AND #shard = :approvals AND #due = :seen";
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression("SET #status = :expired, #due = :retry, #expiredAt = :now,"
                            + " #history = list_append(if_not_exists(#history, :empty), :entry)")
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#due", Items.DUE_AT,
                            "#expiredAt", EXPIRED_AT, "#history", Items.HISTORY, "#shard", Items.DUE_SHARD))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange stored = Items.storedChange(updated);
            exchange.setProperty(Keys.STORED, stored);
            exchange.setProperty(Keys.DECISION, new Decision(changeId, "sgwarden_expiry", Decision.Kind.DENY, BY,
                    stored.decidedByName(), null, null, now));
            return stored;
        } catch (ConditionalCheckFailedException e) {
            return null;
        }
    }

    static final String EXPIRED_AT = "expiredAt";

    /**
     * Claims a change's one reminder: still PENDING, and still due as the Query saw it. The claim takes
     * it out of the due-index, so across replicas exactly one reminds. A change decided since is only
     * taken out of the index. Returns the change to remind of, or null. The policy that decides it if
     * nobody does ({@link Keys#ESCALATING}, asked by the route) keeps it in the index for that decision.
     */
    public StoredChange claimReminder(@Body Map<String, AttributeValue> item,
            @org.apache.camel.ExchangeProperty(Keys.ESCALATING) Policy escalating, Exchange exchange) {
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

    /** The whole item: the Query's (the index projects every attribute), or read again where a caller had less. */
    private Map<String, AttributeValue> whole(Map<String, AttributeValue> item) {
        if (item.containsKey(Items.RECORD) && item.containsKey(Items.STATUS)) {
            return item;
        }
        Map<String, AttributeValue> read = dynamo.getItem(b -> b.tableName(settings.table())
                .key(Items.key(Items.str(item, Items.ID))).consistentRead(true)).item();
        return read == null ? Map.of() : read;
    }

    /**
     * The due item as a stored change, for the route to ask the policies which of them decides it if
     * nobody does; null where it is not (or no longer) a change.
     */
    public StoredChange dueChange(@Body Map<String, AttributeValue> seen) {
        Map<String, AttributeValue> item = whole(seen);
        if (!item.containsKey(Items.RECORD) || !item.containsKey(Items.STATUS)) {
            return null;
        }
        return Items.storedChange(item);
    }

    /** When an approval until then gets its Extend notice: the lead time before, or at once if it is shorter. */
    public static long noticeAt(Instant until, Instant approvedAt, Settings settings) {
        Instant notice = until.minus(settings.approval().extendNotice());
        return (notice.isBefore(approvedAt) ? approvedAt : notice).getEpochSecond();
    }

    /**
     * Claims an approval's Extend notice: still APPROVED until the same time, still in the notices shard
     * at the time the Query saw. The claim moves it to the approvals shard at its expiry, so across replicas
     * exactly one posts the notice, and the expiry follows. Returns the change, or null.
     */
    public StoredChange claimNotice(@Body Map<String, AttributeValue> item, Exchange exchange) {
        Map<String, AttributeValue> whole = whole(item);
        String changeId = Items.str(item, Items.ID);
        AttributeValue seenDue = item.get(Items.DUE_AT);
        String until = Items.str(whole, Items.APPROVED_UNTIL);
        if (changeId == null || seenDue == null) {
            return null;
        }
        Map<String, String> names = Map.of("#status", Items.STATUS, "#shard", Items.DUE_SHARD, "#due", Items.DUE_AT,
                "#until", Items.APPROVED_UNTIL, "#noticed", Items.NOTICED_AT);
        try {
            if (until == null) {
                throw ConditionalCheckFailedException.builder().message("no expiry").build();
            }
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression("SET #shard = :approvals, #due = :expiry, #noticed = :now")
                    .conditionExpression(
                            "#status = :approved AND #shard = :notices AND #due = :seen AND #until = :until")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":approved", Items.s(Status.APPROVED.name()),
                            ":approvals", Items.s(Items.APPROVALS_SHARD), ":notices", Items.s(Items.NOTICES_SHARD),
                            ":seen", seenDue, ":until", Items.s(until),
                            ":expiry", Items.n(Instant.parse(until).getEpochSecond()),
                            ":now", Items.s(clock.instant().toString())))
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange stored = Items.storedChange(updated);
            exchange.setProperty(Keys.STORED, stored);
            return stored;
        } catch (ConditionalCheckFailedException e) {
            leaveIndex(changeId, Status.APPROVED, Items.NOTICES_SHARD, seenDue);
            return null;
        }
    }

    /** A due item whose change moved on (no longer in the state it was due for) only leaves the index. */
    private void leaveIndex(String changeId, Status dueFor, String shard, AttributeValue seenDue) {
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(changeId))
                    .updateExpression("REMOVE #shard, #due")
                    .conditionExpression("#status <> :state AND #shard = :shard AND #due = :seen")
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#shard", Items.DUE_SHARD,
                            "#due", Items.DUE_AT))
                    .expressionAttributeValues(Map.of(":state", Items.s(dueFor.name()), ":shard", Items.s(shard),
                            ":seen", seenDue)));
        } catch (ConditionalCheckFailedException held) {
            // another replica took it, or it moved on: nothing to do
        }
    }

    /**
     * Extend: moves an approval's expiry to the chosen duration from now (or makes it permanent), while it
     * is APPROVED and not yet past its expiry. The update is conditional on the expiry as read, so the
     * first of two clicks wins and the other is told. The new expiry gets its own Extend notice.
     */
    public StoredChange extend(@org.apache.camel.ExchangeProperty(Keys.DECISION) Decision decision, Exchange exchange) {
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
                    ":due", Items.n(noticeAt(until, now, settings))));
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
    public StoredChange extendIfOpen(@org.apache.camel.ExchangeProperty(Keys.DECISION) Decision decision,
            Exchange exchange) {
        try {
            return extend(decision, exchange);
        } catch (DecisionRefusedException | UnknownChangeException e) {
            return null;
        }
    }

    /**
     * Claims a change left undecided for its policy's decision: still PENDING, still due as the Query saw
     * it. Denied (REVERTING, then Deny's revert path) or approved permanently, decidedBy policy:<name>, in
     * one conditional update, so a person's click and the other replicas find it decided. Returns the
     * change, or null.
     */
    public StoredChange claimEscalation(@Body Map<String, AttributeValue> seen, Exchange exchange) {
        String changeId = Items.str(seen, Items.ID);
        AttributeValue seenDue = seen.get(Items.DUE_AT);
        Map<String, AttributeValue> item = whole(seen);
        String policy = Items.str(item, Items.ESCALATE_POLICY);
        if (changeId == null || seenDue == null || policy == null) {
            return null;
        }
        boolean approve = "approve".equals(Items.str(item, Items.ESCALATE_THEN));
        String after = Items.str(item, Items.ESCALATE_AFTER);
        Instant now = clock.instant();
        Decision.Kind kind = approve ? Decision.Kind.APPROVE : Decision.Kind.DENY;
        String by = Decision.POLICY_PREFIX + policy;
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":escalations", Items.s(Items.ESCALATIONS_SHARD));
        values.put(":seen", seenDue);
        values.put(":next", Transition.ESCALATE.target(approve ? Status.APPROVED : Status.REVERTING));
        String condition = Transition.ESCALATE.condition(values, null) + " AND #shard = :escalations AND #due = :seen";
        values.put(":decision", Items.s(kind.name()));
        values.put(":by", Items.s(by));
        values.put(":byName", Items.s(policy));
        values.put(":at", Items.s(now.toString()));
        values.put(":atEpoch", Items.n(now.getEpochSecond()));
        values.put(":empty", AttributeValue.fromL(List.of()));
        values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(Map.of("decision", Items.s(kind.name()),
                "by", Items.s(by), "byName", Items.s(policy), "at", Items.s(now.toString()),
                "undecidedFor", Items.s(String.valueOf(after)))))));
        Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS, "#shard", Items.DUE_SHARD,
                "#due", Items.DUE_AT, "#decision", Items.DECISION, "#by", Items.DECIDED_BY,
                "#byName", Items.DECIDED_BY_NAME, "#at", Items.DECIDED_AT, "#atEpoch", Items.DECIDED_AT_EPOCH,
                "#history", Items.HISTORY));
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(changeId))
                    .updateExpression("SET #status = :next, #decision = :decision, #by = :by, #byName = :byName,"
                            + " #at = :at, #atEpoch = :atEpoch,"
                            + " #history = list_append(if_not_exists(#history, :empty), :entry) REMOVE #shard, #due")
                    .conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes();
            StoredChange stored = Items.storedChange(updated);
            exchange.setProperty(Keys.STORED, stored);
            exchange.setProperty(Keys.UNDECIDED_FOR, after);
            exchange.setProperty(Keys.DECISION, new Decision(changeId, "sgwarden_policy_undecided", kind, by, policy,
                    null, null, now));
            return stored;
        } catch (ConditionalCheckFailedException e) {
            leaveIndex(changeId, Status.PENDING, Items.ESCALATIONS_SHARD, seenDue);
            return null;
        }
    }
}
