package sgwarden.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.change.UnknownChangeException;
import sgwarden.config.Settings;
import sgwarden.decision.Refusals;

/**
 * People's decisions on a change (Approve, Deny, and a group's for each of its changes) in the ledger
 * table. Each is a conditional update, so the first decision wins however many clicks arrive at once.
 */
@ApplicationScoped
@Named("decisionRecords")
public class DecisionRecords {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    /** The change a click is about; unknown where it is no change, or not yet open to a decision. */
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
            // an approval for a time enters the due-index, first for its Extend notice (ApprovalExpiries.noticeAt)
            Instant until = decision.at().plus(term.duration());
            values.put(":shard", Items.s(Items.NOTICES_SHARD));
            values.put(":due", Items.n(ApprovalExpiries.noticeAt(until, decision.at(), settings)));
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
}
