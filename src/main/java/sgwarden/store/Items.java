package sgwarden.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.change.Status;
import sgwarden.change.StoredChange;

/** Attribute names of a change item, and small helpers to build attribute values. */
final class Items {

    static final String ID = "changeId";
    static final String STATUS = "status";
    static final String CLAIMED_AT = "claimedAt";
    /** The TTL attribute: DynamoDB deletes the item after this epoch second. */
    static final String EXPIRES_AT = "expiresAt";
    static final String EVENT_TIME = "eventTime";
    static final String EVENT_NAME = "eventName";
    static final String ACCOUNT = "accountId";
    static final String REGION = "region";
    static final String GROUP = "groupId";
    static final String DIRECTION = "direction";
    static final String RULE_IDS = "ruleIds";
    static final String ACTOR = "actorArn";
    static final String INTAKE = "intake";
    static final String RECORD = "record";
    static final String ANNOUNCED_AT = "announcedAt";
    static final String DECISION = "decision";
    static final String DECIDED_BY = "decidedBy";
    static final String DECIDED_BY_NAME = "decidedByName";
    static final String DECIDED_AT = "decidedAt";
    static final String DECIDED_AT_EPOCH = "decidedAtEpoch";
    static final String OUTCOME_AT = "outcomeAt";
    static final String ERROR = "error";
    static final String HISTORY = "history";
    // the due-index (deploy templates): items carrying both are read by the expiry timer at dueAt
    static final String DUE_SHARD = "dueShard";
    static final String DUE_AT = "dueAt";
    /** The one shard approvals go to: a Query reads only what is due, whatever the table's size. */
    static final String APPROVALS_SHARD = "approval";
    /** Changes announced and not yet decided, due for their one reminder. */
    static final String REMINDERS_SHARD = "reminder";
    static final String REMINDED_AT = "remindedAt";
    /** Changes stored and waiting in a group's window; due when their instance died before announcing them. */
    static final String ANNOUNCE_SHARD = "announce";
    /** The group message a change was announced in. */
    static final String ANNOUNCED_IN = "announcedIn";
    /** The group message a change was announced in before Decide one by one posted it alone. */
    static final String ALONE_FROM = "postedAloneFrom";
    /** Approvals for a time before their Extend notice; the notice moves them to the approvals shard. */
    static final String NOTICES_SHARD = "notice";
    static final String NOTICED_AT = "noticedAt";
    /** Changes reminded of and still undecided, due for the decision their policy takes (undecided). */
    static final String ESCALATIONS_SHARD = "escalation";
    /** The policy that decides a change left undecided, what it decides, and after how long (as said). */
    static final String ESCALATE_POLICY = "escalatePolicy";
    static final String ESCALATE_THEN = "escalateThen";
    static final String ESCALATE_AFTER = "escalateAfter";
    /** The last Extend, who and for how long: "bob for 8 h" (messages put the @ before it). */
    static final String EXTENDED = "extended";
    static final String APPROVED_UNTIL = "approvedUntil";
    /** Bot-token mode: the channel ID and ts of the announcement, as chat.postMessage answered. */
    static final String SLACK_CHANNEL = "slackChannel";
    static final String SLACK_TS = "slackTs";
    /** Bot-token mode: the ts of the messages in the announcement's thread a decision updates (reminder, notices). */
    static final String THREAD_TS = "threadTs";
    /** The duration chosen, as the message says it ("8 h"). */
    static final String APPROVED_FOR = "approvedFor";
    static final String POLICY = "policy";
    static final String POLICY_ACTION = "policyAction";
    /** Under dry run, what the policies would have done. */
    static final String POLICY_WOULD_BE = "policyWouldBe";
    /** Each rule with the policy it matched: "sgr-…=name:action", or "sgr-…=-:ask" for none. */
    static final String RULE_POLICIES = "rulePolicies";
    /** When Slack accepted the message saying what a policy did. */
    static final String POLICY_POSTED_AT = "policyPostedAt";
    /** A modification's earlier rule forms, by rule ID, as the ledger knew them when it was found. */
    static final String EARLIER = "earlierForms";
    // rule items (RuleForms): the current form of one rule, the event that set it and the form before
    static final String RULE_FORM = "form";
    static final String RULE_EVENT = "formEventId";
    static final String RULE_EVENT_AT = "formEventAt";
    static final String RULE_PREVIOUS = "previousForm";
    static final String RULE_PREVIOUS_EVENT = "previousEventId";

    private Items() {
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static Map<String, AttributeValue> key(String changeId) {
        return Map.of(ID, s(changeId));
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    /** A list of strings; empty where the item has none. */
    static List<String> list(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || !v.hasL() ? List.of() : v.l().stream().map(AttributeValue::s).toList();
    }

    /** The ledger's item as the change it holds. */
    static StoredChange storedChange(Map<String, AttributeValue> item) {
        AttributeValue ids = item.get(RULE_IDS);
        String decidedAt = str(item, DECIDED_AT);
        String until = str(item, APPROVED_UNTIL);
        return new StoredChange(str(item, ID), Status.valueOf(str(item, STATUS)),
                str(item, ACCOUNT), str(item, REGION), str(item, GROUP),
                str(item, DIRECTION),
                ids == null || !ids.hasL() ? List.of() : ids.l().stream().map(AttributeValue::s).toList(),
                str(item, RECORD), str(item, DECISION), str(item, DECIDED_BY),
                str(item, DECIDED_BY_NAME), decidedAt == null ? null : Instant.parse(decidedAt),
                str(item, ERROR), str(item, EVENT_NAME), Forms.readAll(item.get(EARLIER)),
                until == null ? null : Instant.parse(until), str(item, APPROVED_FOR),
                str(item, SLACK_CHANNEL), str(item, SLACK_TS), str(item, EXTENDED),
                str(item, POLICY_ACTION), str(item, ANNOUNCED_IN), list(item, THREAD_TS),
                str(item, ALONE_FROM));
    }
}
