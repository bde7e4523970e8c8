package sgwarden.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.policy.RuleVerdict;
import sgwarden.policy.Verdict;

/**
 * What the policies made of a change, in the ledger: the verdict kept on every change, and the
 * decisions a policy takes instead of a person. A policy decides only a change that is claimed and
 * not yet decided on, with the same conditional update as a click, so it never overrides a person.
 */
@ApplicationScoped
@Named("policyRecords")
public class PolicyRecords {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    /** Keeps the policy name and action, the dry-run verdict and each rule's policy on the change. */
    public SecurityGroupChange recordVerdict(@Body SecurityGroupChange change,
            @ExchangeProperty(Keys.VERDICT) Verdict verdict) {
        Map<String, AttributeValue> values = new HashMap<>();
        Map<String, String> names = new HashMap<>(Map.of("#action", Items.POLICY_ACTION, "#rules", Items.RULE_POLICIES,
                "#id", Items.ID));
        List<String> set = new ArrayList<>(List.of("#action = :action", "#rules = :rules"));
        values.put(":action", Items.s(verdict.action().name()));
        values.put(":rules",
                AttributeValue.fromL(verdict.rules().stream().map(PolicyRecords::rule).map(Items::s).toList()));
        if (verdict.policyName() != null) {
            names.put("#policy", Items.POLICY);
            values.put(":policy", Items.s(verdict.policyName()));
            set.add("#policy = :policy");
        }
        if (verdict.dryRun()) {
            names.put("#would", Items.POLICY_WOULD_BE);
            values.put(":would", Items.s(verdict.wouldBe().name()));
            set.add("#would = :would");
        }
        dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(change.eventId()))
                .updateExpression("SET " + String.join(", ", set))
                .conditionExpression("attribute_exists(#id)")
                .expressionAttributeNames(names).expressionAttributeValues(values));
        return change;
    }

    private static String rule(RuleVerdict v) {
        return String.valueOf(v.rule().ruleId()) + "=" + (v.policy() == null ? "-" : v.policyName()) + ":"
                + v.policyAction().word() + (v.dryRun() ? " (dry run)" : "");
    }

    /** A policy revokes the change at once (revert, quarantine): it is REVERTING, decided by the policy. */
    public StoredChange decide(@ExchangeProperty(Keys.DECISION) Decision decision) {
        return take(decision, Status.REVERTING, false);
    }

    /** A policy approves the change; posted tells whether Slack accepted a message about it. */
    public StoredChange approve(@ExchangeProperty(Keys.DECISION) Decision decision, boolean posted) {
        return take(decision, Status.APPROVED, posted);
    }

    private StoredChange take(Decision decision, Status next, boolean posted) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", Transition.POLICY.target(next));
        values.put(":decision", Items.s(decision.kind().name()));
        values.put(":by", Items.s(decision.userId()));
        values.put(":byName", Items.s(decision.userName()));
        values.put(":at", Items.s(decision.at().toString()));
        values.put(":atEpoch", Items.n(decision.at().getEpochSecond()));
        values.put(":entry", History.entry("decision", decision.kind().name(), decision, null));
        values.put(":empty", AttributeValue.fromL(List.of()));
        Map<String, String> names = new HashMap<>(Map.of("#status", Items.STATUS, "#decision", Items.DECISION,
                "#by", Items.DECIDED_BY, "#byName", Items.DECIDED_BY_NAME, "#at", Items.DECIDED_AT,
                "#atEpoch", Items.DECIDED_AT_EPOCH, "#history", Items.HISTORY));
        String update = "SET #status = :next, #decision = :decision, #by = :by, #byName = :byName, #at = :at,"
                + " #atEpoch = :atEpoch, #history = list_append(if_not_exists(#history, :empty), :entry)";
        if (posted) {
            names.put("#announced", Items.ANNOUNCED_AT);
            names.put("#posted", Items.POLICY_POSTED_AT);
            values.put(":now", Items.s(clock.instant().toString()));
            update += ", #announced = :now, #posted = :now";
            // announced: no longer waiting in a group's window
            names.put("#shard", Items.DUE_SHARD);
            names.put("#due", Items.DUE_AT);
            update += " REMOVE #shard, #due";
        }
        String expression = update;
        String condition = Transition.POLICY.condition(values, null) + " AND attribute_not_exists(#decision)";
        try {
            return Items.storedChange(dynamo.updateItem(b -> b.tableName(settings.table())
                    .key(Items.key(decision.changeId()))
                    .updateExpression(expression)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)).attributes());
        } catch (ConditionalCheckFailedException e) {
            throw new PolicyPreemptedException(decision.changeId());
        }
    }

    /** Slack accepted the message saying what the policy did: the change counts as announced. */
    public void announced(@ExchangeProperty(Keys.STORED) StoredChange stored,
            @ExchangeProperty(Keys.SLACK_CHANNEL) String slackChannel,
            @ExchangeProperty(Keys.SLACK_TS) String slackTs,
            @ExchangeProperty(Keys.GROUP) String groupId) {
        Map<String, String> names = new HashMap<>(Map.of("#announced", Items.ANNOUNCED_AT,
                "#posted", Items.POLICY_POSTED_AT, "#shard", Items.DUE_SHARD, "#due", Items.DUE_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":now", Items.s(clock.instant().toString())));
        String set = "SET #announced = :now, #posted = :now";
        // in bot-token mode, where its own message is: a Restore or a quarantine's Deny updates it with
        // chat.update (a change of a group keeps none: its group message shows it)
        if (slackTs != null && slackChannel != null && groupId == null) {
            names.putAll(Map.of("#ts", Items.SLACK_TS, "#channel", Items.SLACK_CHANNEL));
            values.putAll(Map.of(":ts", Items.s(slackTs), ":channel", Items.s(slackChannel)));
            set += ", #ts = :ts, #channel = :channel";
        }
        // announced: no longer waiting in a group's window (a policy's revoke has no other due time)
        String expression = set + " REMOVE #shard, #due";
        dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(stored.changeId()))
                .updateExpression(expression)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values));
    }

    /**
     * A change a policy revoked but whose message Slack never accepted (the post failed for good, or
     * the instance died after the revoke): its record has come again, so the message is posted now.
     * Null for any other change, which is a plain duplicate.
     */
    public StoredChange unannounced(@Body SecurityGroupChange change) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(settings.table())
                .key(Items.key(change.eventId())).consistentRead(true)).item();
        // one waiting in a group's window is announced by its group, or found by the due-items timer
        if (item == null || item.isEmpty() || item.containsKey(Items.POLICY_POSTED_AT)
                || Items.ANNOUNCE_SHARD.equals(Items.str(item, Items.DUE_SHARD))
                || !String.valueOf(Items.str(item, Items.DECIDED_BY)).startsWith(Decision.POLICY_PREFIX)) {
            return null;
        }
        StoredChange stored = Items.storedChange(item);
        return switch (stored.status()) {
            case REVERTED, QUARANTINED, ALREADY_GONE, REVERT_FAILED -> stored;
            default -> null;
        };
    }

    /** Someone (a person's click, another instance) decided first; the policy leaves the change alone. */
    public static class PolicyPreemptedException extends RuntimeException {
        public PolicyPreemptedException(String changeId) {
            super("change " + changeId + " was decided on before its policy could act; left as it is");
        }
    }
}
