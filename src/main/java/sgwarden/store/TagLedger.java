package sgwarden.store;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.StoredChange;
import sgwarden.change.Tagging;
import sgwarden.config.Settings;
import sgwarden.policy.ApprovedTags;

/**
 * What sgwarden knows of each group's tags: one item per group in the ledger table,
 * {@code tags#<account>#<region>#<group>}, never expiring, with the tags it last saw (each tag change
 * it read, or the group's tags when it first met the group) and those a person approved (or that were
 * there when it first met the group). A tag change is compared with the tags last seen; approve
 * policies count only approved tags (ApprovedTags). Approve of a tag change approves its tags; Deny
 * (or an expiry) puts the earlier ones back and takes back an approval of the undone values.
 */
@ApplicationScoped
@Named("tagLedger")
public class TagLedger implements ApprovedTags {

    static final String PREFIX = "tags#";
    static final String APPROVED = "approvedTags";
    static final String SEEN = "seenTags";
    static final String SINCE = "firstSeenAt";
    static final String CHANGE_PREFIX = "tagchange#";
    static final String APPLIED = "applied";

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Inject
    CloudTrailParser parser;

    Clock clock = Clock.systemUTC();

    /** Both maps of one group's item. */
    record Known(Map<String, String> seen, Map<String, String> approved) {
    }

    static Map<String, AttributeValue> key(String account, String region, String groupId) {
        return Items.key(PREFIX + account + "#" + region + "#" + groupId);
    }

    /** Of the tags now, those that are approved: a key counts only with the value approved for it. */
    @Override
    public Map<String, String> of(String accountId, String region, String groupId, Map<String, String> current) {
        Map<String, String> approved = known(accountId, region, groupId, current).approved();
        Map<String, String> view = new LinkedHashMap<>();
        current.forEach((k, v) -> {
            if (v.equals(approved.get(k))) {
                view.put(k, v);
            }
        });
        return view;
    }

    /** The tags last seen on the group; firstSeen when sgwarden has not met it yet. */
    public Map<String, String> seen(String account, String region, String groupId, Map<String, String> firstSeen) {
        return known(account, region, groupId, firstSeen).seen();
    }

    /**
     * The group's item; when it has none yet, firstSeen becomes both its seen and approved tags
     * (written once: of two replicas the first wins, and both go on with what it wrote).
     */
    private Known known(String account, String region, String groupId, Map<String, String> firstSeen) {
        Known known = read(account, region, groupId);
        if (known != null) {
            return known;
        }
        Map<String, AttributeValue> item = new HashMap<>(key(account, region, groupId));
        item.put(APPROVED, map(firstSeen));
        item.put(SEEN, map(firstSeen));
        item.put(SINCE, Items.s(clock.instant().toString()));
        try {
            dynamo.putItem(b -> b.tableName(settings.table()).item(item)
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", Items.ID)));
            return new Known(Map.copyOf(firstSeen), Map.copyOf(firstSeen));
        } catch (ConditionalCheckFailedException e) {
            return read(account, region, groupId);
        }
    }

    /**
     * The stored record of a tag change as first compared (compute is called only the first time):
     * item {@code tagchange#<changeId>}, kept as long as changes are.
     */
    public String compared(String changeId, java.util.function.Supplier<String> compute) {
        Map<String, AttributeValue> key = Items.key(CHANGE_PREFIX + changeId);
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(settings.table()).key(key)
                .consistentRead(true)).item();
        if (item != null && item.get(Items.RECORD) != null) {
            return item.get(Items.RECORD).s();
        }
        String record = compute.get();
        Map<String, AttributeValue> put = new HashMap<>(key);
        put.put(Items.RECORD, Items.s(record));
        put.put(Items.EXPIRES_AT, Items.n(clock.instant().plus(settings.retention()).getEpochSecond()));
        try {
            dynamo.putItem(b -> b.tableName(settings.table()).item(put)
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", Items.ID)));
            return record;
        } catch (ConditionalCheckFailedException e) {
            return dynamo.getItem(b -> b.tableName(settings.table()).key(key).consistentRead(true)).item()
                    .get(Items.RECORD).s();
        }
    }

    /** True the first time only: what a tag change does to the ledger's maps is done once per change. */
    private boolean firstApply(SecurityGroupChange change) {
        try {
            dynamo.updateItem(b -> b.tableName(settings.table()).key(Items.key(CHANGE_PREFIX + change.eventId()))
                    .updateExpression("SET #applied = :yes")
                    .conditionExpression("attribute_exists(#id) AND attribute_not_exists(#applied)")
                    .expressionAttributeNames(Map.of("#id", Items.ID, "#applied", APPLIED))
                    .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** A tag change announced: its tags are the ones seen from now on (not approved). Once per change. */
    public void saw(@Body SecurityGroupChange change) {
        if (!firstApply(change)) {
            return;
        }
        Known k = known(change.accountId(), change.region(), change.groupId(), change.tagging().before());
        write(change, with(k.seen(), change.tagging(), change.tagging().after()), k.approved());
    }

    /** A tag change that switches nothing: seen and approved as it is. Once per change. */
    public void settle(@Body SecurityGroupChange change) {
        if (!firstApply(change)) {
            return;
        }
        Known k = known(change.accountId(), change.region(), change.groupId(), change.tagging().before());
        Tagging t = change.tagging();
        write(change, with(k.seen(), t, t.after()), with(k.approved(), t, t.after()));
    }

    /** A person approved the tag change (or restored it): approve policies count its tags from now on. */
    public void approve(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null);
        Known k = known(change.accountId(), change.region(), change.groupId(), change.tagging().before());
        write(change, k.seen(), with(k.approved(), change.tagging(), change.tagging().after()));
    }

    /** The tag change was undone (Deny, expiry): the earlier tags are seen again; the undone values lose any approval. */
    public void revert(SecurityGroupChange change) {
        Tagging t = change.tagging();
        Known k = known(change.accountId(), change.region(), change.groupId(), t.before());
        Map<String, String> approved = new LinkedHashMap<>(k.approved());
        for (String key : touched(t)) {
            String undone = t.after().get(key);
            if (undone != null && undone.equals(approved.get(key)) && !undone.equals(t.before().get(key))) {
                approved.remove(key);
            }
        }
        write(change, with(k.seen(), t, t.before()), approved);
    }

    /** tags with each key the change touched set to its value in values, or removed where it has none. */
    private static Map<String, String> with(Map<String, String> tags, Tagging tagging, Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>(tags);
        for (String k : touched(tagging)) {
            if (values.containsKey(k)) {
                out.put(k, values.get(k));
            } else {
                out.remove(k);
            }
        }
        return out;
    }

    private void write(SecurityGroupChange change, Map<String, String> seen, Map<String, String> approved) {
        dynamo.updateItem(b -> b.tableName(settings.table())
                .key(key(change.accountId(), change.region(), change.groupId()))
                .updateExpression("SET #seen = :seen, #approved = :approved")
                .expressionAttributeNames(Map.of("#seen", SEEN, "#approved", APPROVED))
                .expressionAttributeValues(Map.of(":seen", map(seen), ":approved", map(approved))));
    }

    /** The keys a change named; a DeleteTags that names none removed them all. */
    static Set<String> touched(Tagging tagging) {
        Set<String> keys = new java.util.TreeSet<>();
        tagging.tags().forEach(t -> keys.add(t.key()));
        if (keys.isEmpty()) {
            keys.addAll(tagging.before().keySet());
        }
        return keys;
    }

    private Known read(String account, String region, String groupId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(settings.table())
                .key(key(account, region, groupId)).consistentRead(true)).item();
        if (item == null || item.isEmpty() || item.get(APPROVED) == null) {
            return null;
        }
        return new Known(strings(item.get(SEEN)), strings(item.get(APPROVED)));
    }

    private static Map<String, String> strings(AttributeValue m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m != null && m.hasM()) {
            m.m().forEach((k, v) -> out.put(k, v.s()));
        }
        return out;
    }

    private static AttributeValue map(Map<String, String> tags) {
        Map<String, AttributeValue> m = new HashMap<>();
        tags.forEach((k, v) -> m.put(k, Items.s(v)));
        return AttributeValue.fromM(m);
    }
}
