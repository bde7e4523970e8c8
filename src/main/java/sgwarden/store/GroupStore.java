package sgwarden.store;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.MessageRef;
import sgwarden.change.StoredChange;
import sgwarden.change.UnknownChangeException;
import sgwarden.config.Settings;

/**
 * The group messages: which changes each one announced, where it is in Slack, and the last group
 * action taken on it. Each change keeps its own record, decision and outcome in its own item; the
 * group's item only ties them to the message and its buttons (a button's value holds the group's
 * ID: 60 event IDs would not fit in Slack's 2,000 characters).
 */
@ApplicationScoped
@Named("groupStore")
public class GroupStore {

    public static final String PREFIX = "group#";

    static final String KIND = "kind";
    static final String MEMBERS = "members";
    static final String CREATED_AT = "createdAt";
    static final String LAST_ACTION = "lastAction";
    static final String LAST_BY = "lastBy";
    static final String LAST_BY_NAME = "lastByName";
    static final String LAST_AT = "lastAt";
    static final String ONE_BY_ONE_BY = "oneByOneByName";
    /** BatchGetItem reads at most this many keys per call. */
    private static final int BATCH = 100;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    /** Stores a new group (before its message is posted, so no click can arrive for an unknown group). */
    public String create(List<String> memberIds, String actorArn, String accountId) {
        String id = PREFIX + UUID.randomUUID();
        Instant now = clock.instant();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Items.ID, Items.s(id));
        item.put(KIND, Items.s("group"));
        item.put(MEMBERS, AttributeValue.fromL(memberIds.stream().map(Items::s).toList()));
        item.put(Items.ACTOR, Items.s(String.valueOf(actorArn)));
        item.put(Items.ACCOUNT, Items.s(String.valueOf(accountId)));
        item.put(CREATED_AT, Items.s(now.toString()));
        item.put(Items.EXPIRES_AT, Items.n(now.plus(settings.retention()).getEpochSecond()));
        dynamo.putItem(b -> b.tableName(settings.table()).item(item)
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", Items.ID)));
        return id;
    }

    /** Bot-token mode: where the group message is, so a later action updates it with chat.update. */
    public void posted(@ExchangeProperty(Keys.GROUP) String groupId,
            @ExchangeProperty(Keys.SLACK_CHANNEL) String channel,
            @ExchangeProperty(Keys.SLACK_TS) String ts) {
        if (groupId == null || channel == null || ts == null) {
            return;
        }
        dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(groupId))
                .updateExpression("SET #ts = :ts, #channel = :channel")
                .expressionAttributeNames(Map.of("#ts", Items.SLACK_TS, "#channel", Items.SLACK_CHANNEL))
                .expressionAttributeValues(Map.of(":ts", Items.s(ts), ":channel", Items.s(channel))));
    }

    /** The group a click names; a value that names no group is an unknown change (404). */
    public GroupRecord find(String groupId) {
        if (groupId == null || !groupId.startsWith(PREFIX)) {
            throw new UnknownChangeException(groupId);
        }
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(settings.table())
                .key(Items.key(groupId)).consistentRead(true)).item();
        if (item == null || item.isEmpty() || !"group".equals(Items.str(item, KIND))) {
            throw new UnknownChangeException(groupId);
        }
        AttributeValue members = item.get(MEMBERS);
        String at = Items.str(item, LAST_AT);
        return new GroupRecord(groupId,
                members == null || !members.hasL() ? List.of() : members.l().stream().map(AttributeValue::s).toList(),
                Items.str(item, Items.ACTOR), Items.str(item, Items.ACCOUNT), Items.str(item, Items.SLACK_CHANNEL),
                Items.str(item, Items.SLACK_TS), Items.str(item, LAST_ACTION), Items.str(item, LAST_BY_NAME),
                at == null ? null : Instant.parse(at), Items.str(item, ONE_BY_ONE_BY),
                Items.list(item, Items.THREAD_TS));
    }

    /** Each change of the group as the ledger holds it now, in the group's order (consistent reads). */
    public List<StoredChange> members(GroupRecord group) {
        Map<String, StoredChange> found = new HashMap<>();
        for (int from = 0; from < group.members().size(); from += BATCH) {
            List<Map<String, AttributeValue>> keys = group.members()
                    .subList(from, Math.min(group.members().size(), from + BATCH)).stream().map(Items::key).toList();
            Map<String, KeysAndAttributes> request = Map.of(settings.table(),
                    KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            while (request != null && !request.isEmpty()) {
                Map<String, KeysAndAttributes> ask = request;
                var response = dynamo.batchGetItem(b -> b.requestItems(ask));
                response.responses().getOrDefault(settings.table(), List.of()).stream()
                        .filter(i -> i.containsKey(Items.STATUS))
                        .map(Items::storedChange).forEach(c -> found.put(c.changeId(), c));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : null;
            }
        }
        List<StoredChange> out = new ArrayList<>();
        group.members().forEach(id -> {
            StoredChange c = found.get(id);
            if (c != null) {
                out.add(c);
            }
        });
        return out;
    }

    /** Records the group action a person took, for the message to say (and who first asked for one by one). */
    public GroupRecord act(@ExchangeProperty(Keys.DECISION) Decision decision) {
        boolean oneByOne = decision.kind() == Decision.Kind.ONE_BY_ONE;
        Map<String, String> names = new LinkedHashMap<>(Map.of("#action", LAST_ACTION, "#by", LAST_BY,
                "#byName", LAST_BY_NAME, "#at", LAST_AT, "#kind", KIND));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":action", Items.s(decision.actionId()),
                ":by", Items.s(decision.userId()), ":byName", Items.s(name(decision)),
                ":at", Items.s(decision.at().toString()), ":group", Items.s("group")));
        String update = "SET #action = :action, #by = :by, #byName = :byName, #at = :at";
        String condition = "#kind = :group";
        if (oneByOne) {
            // who asked first stays; each change is taken once when it is posted alone (AnnouncementRecords.takeAlone)
            names.put("#one", ONE_BY_ONE_BY);
            update += ", #one = if_not_exists(#one, :byName)";
        }
        String expression = update;
        String when = condition;
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(decision.changeId()))
                    .updateExpression(expression).conditionExpression(when)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            throw new UnknownChangeException(decision.changeId());
        }
        return find(decision.changeId());
    }

    private static String name(Decision decision) {
        return decision.userName() == null ? decision.userId() : decision.userName();
    }

    /**
     * A group message as stored.
     *
     * @param lastAction the action ID of the last group button clicked (null before any)
     * @param oneByOneBy who asked for the changes one by one (null until somebody did)
     * @param threadTs bot-token mode: the digests posted in the group message's thread (reminder, notice,
     *            expiry, escalation), which a later update of the group message brings up to date
     */
    public record GroupRecord(String id, List<String> members, String actorArn, String accountId,
            String slackChannel, String slackTs, String lastAction, String lastByName, Instant lastAt,
            String oneByOneBy, List<String> threadTs) {

        /** Where the group message is, when the bot token posted it; null when posted through a webhook. */
        public MessageRef slackMessage() {
            return MessageRef.of(slackChannel, slackTs);
        }
    }
}
