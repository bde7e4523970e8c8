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

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.decision.Refusals;

/**
 * Restore and a quarantine's Deny in the ledger. Like Deny, each is a conditional update: the first
 * click wins, every later one is told who decided and what the change is now.
 */
@ApplicationScoped
@Named("restoreRecords")
public class RestoreRecords {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Clock clock;

    @Inject
    Settings settings;

    @Inject
    DecisionRecords decisions;

    /**
     * Restore clicked: a reverted or quarantined change (or one whose restore failed, or whose restore
     * has been stuck for too long) becomes RESTORING.
     */
    public StoredChange start(@ExchangeProperty(Keys.DECISION) Decision decision) {
        Map<String, AttributeValue> values = decisionValues(decision, Transition.RESTORE, Status.RESTORING);
        values.put(":stuck", Items.n(decision.at().minus(settings.revert().stuckAfter()).getEpochSecond()));
        return decide(decision, values, Transition.RESTORE.condition(values, "#atEpoch < :stuck"));
    }

    /** A quarantine's Deny: the rules stay off, and the change is REVERTED by the person. */
    public StoredChange keepOff(@ExchangeProperty(Keys.DECISION) Decision decision) {
        Map<String, AttributeValue> values = decisionValues(decision, Transition.KEEP_OFF, Status.REVERTED);
        return decide(decision, values, Transition.KEEP_OFF.condition(values, null));
    }

    private static Map<String, AttributeValue> decisionValues(Decision decision, Transition transition, Status next) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", transition.target(next));
        values.put(":decision", Items.s(decision.kind().name()));
        values.put(":by", Items.s(decision.userId()));
        values.put(":byName", Items.s(String.valueOf(decision.userName())));
        values.put(":at", Items.s(decision.at().toString()));
        values.put(":atEpoch", Items.n(decision.at().getEpochSecond()));
        values.put(":entry", History.entry("decision", decision.kind().name(), decision, null));
        values.put(":empty", AttributeValue.fromL(List.of()));
        return values;
    }

    private StoredChange decide(Decision decision, Map<String, AttributeValue> values, String condition) {
        try {
            return Items.storedChange(dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(decision.changeId()))
                    .updateExpression("SET #status = :next, #decision = :decision, #by = :by, #byName = :byName,"
                            + " #at = :at, #atEpoch = :atEpoch,"
                            + " #history = list_append(if_not_exists(#history, :empty), :entry) REMOVE #error")
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#status", Items.STATUS, "#decision", Items.DECISION,
                            "#by", Items.DECIDED_BY, "#byName", Items.DECIDED_BY_NAME, "#at", Items.DECIDED_AT,
                            "#atEpoch", Items.DECIDED_AT_EPOCH, "#history", Items.HISTORY, "#error", Items.ERROR))
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes());
        } catch (ConditionalCheckFailedException e) {
            throw new DecisionRefusedException(Refusals.notRestorable(decision, decisions.find(decision.changeId())));
        }
    }

    /** The rules are back: RESTORED, with the IDs EC2 gave the re-created rules in the audit trail. */
    public StoredChange restored(@ExchangeProperty(Keys.DECISION) Decision decision, @Body List<String> ruleIds) {
        return outcome(decision, Status.RESTORED, null,
                Map.of("restoredRules", AttributeValue.fromL(ruleIds.stream().map(Items::s).toList())));
    }

    /** Putting the rules back failed; Restore may be clicked again. */
    public StoredChange failed(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        String reason = RevertOutcomes.reason(failure);
        return outcome(decision, Status.RESTORE_FAILED, reason, Map.of("error", Items.s(reason)));
    }

    private StoredChange outcome(Decision decision, Status outcome, String error, Map<String, AttributeValue> more) {
        Instant now = clock.instant();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":outcome", Transition.RESTORE_DONE.target(outcome));
        values.put(":now", Items.s(now.toString()));
        Map<String, AttributeValue> entry = new HashMap<>(more);
        entry.put("outcome", Items.s(outcome.name()));
        entry.put("by", Items.s(decision.userId()));
        entry.put("at", Items.s(now.toString()));
        values.put(":entry", AttributeValue.fromL(List.of(AttributeValue.fromM(entry))));
        values.put(":empty", AttributeValue.fromL(List.of()));
        Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS, "#outcomeAt", Items.OUTCOME_AT,
                "#history", Items.HISTORY));
        String update = "SET #status = :outcome, #outcomeAt = :now,"
                + " #history = list_append(if_not_exists(#history, :empty), :entry)";
        if (error != null) {
            values.put(":error", Items.s(error));
            names.put("#error", Items.ERROR);
            update += ", #error = :error";
        }
        String expression = update;
        String condition = Transition.RESTORE_DONE.condition(values, null);
        return Items
                .storedChange(dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(decision.changeId()))
                        .updateExpression(expression)
                        .conditionExpression(condition)
                        .expressionAttributeNames(names).expressionAttributeValues(values)
                        .returnValues(ReturnValue.ALL_NEW)).attributes());
    }
}
