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

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * Changes left undecided, once their policy's time is up: the claim that records the policy's decision,
 * so that exactly one replica acts on it and a person's later click finds it decided. Which policy that
 * is was settled with the reminder (sgwarden.policy.Escalations, asked by the route).
 */
@ApplicationScoped
@Named("escalationClaims")
public class EscalationClaims {

    @Inject
    DynamoDbClient dynamo;
    @Inject
    Settings settings;
    @Inject
    DueIndex dueIndex;

    @Inject
    Clock clock;

    /**
     * Claims a change left undecided for its policy's decision: still PENDING, still due as the Query saw
     * it. Denied (REVERTING, then Deny's revert path) or approved permanently, decidedBy policy:<name>, in
     * one conditional update, so a person's click and the other replicas find it decided. Returns the
     * change, or null.
     */
    public StoredChange claimEscalation(@Body Map<String, AttributeValue> seen, Exchange exchange) {
        String changeId = Items.str(seen, Items.ID);
        AttributeValue seenDue = seen.get(Items.DUE_AT);
        Map<String, AttributeValue> item = dueIndex.whole(seen);
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
            dueIndex.leaveIndex(changeId, Status.PENDING, Items.ESCALATIONS_SHARD, seenDue);
            return null;
        }
    }
}
