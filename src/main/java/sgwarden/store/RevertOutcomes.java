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
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * How each revert ended (REVERTED, ALREADY_GONE, a modification's forms put back, or REVERT_FAILED
 * with its reason), in the ledger table. Only the revert that holds the change (REVERTING, or EXPIRED
 * for an expiry's) may record it.
 */
@ApplicationScoped
@Named("revertOutcomes")
public class RevertOutcomes {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

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
