package sgwarden.testing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Tags really set or removed in moto, and the CreateTags / DeleteTags record CloudTrail would
 * leave (../shared/notes/wire-facts.md): requestParameters.resourcesSet.items[].resourceId and
 * tagSet.items[].{key, value}; a DeleteTags tag may name its key alone.
 */
public final class TagRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TagRecords() {
    }

    /** One tag; value null for a DeleteTags that names the key alone. */
    public record Tag(String key, String value) {
    }

    /** A tag change made in moto: its record and the change ID sgwarden gives it for one group. */
    public record Tagged(String eventId, String record) {
        public String changeId(String groupId) {
            return eventId + "#" + groupId;
        }
    }

    /** CreateTags by the insider (the tests' Admin role), in moto and as recorded. */
    public static Tagged create(Moto moto, String account, String region, List<String> resources, Tag... tags) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            ec2.createTags(b -> b.resources(resources).tags(java.util.Arrays.stream(tags)
                    .map(t -> software.amazon.awssdk.services.ec2.model.Tag.builder().key(t.key()).value(t.value())
                            .build())
                    .toList()));
        }
        String eventId = UUID.randomUUID().toString();
        return new Tagged(eventId, record(eventId, "CreateTags", account, region, resources, List.of(tags)));
    }

    /** DeleteTags by the insider, in moto and as recorded. */
    public static Tagged delete(Moto moto, String account, String region, List<String> resources, Tag... tags) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            ec2.deleteTags(b -> b.resources(resources).tags(java.util.Arrays.stream(tags)
                    .map(t -> software.amazon.awssdk.services.ec2.model.Tag.builder().key(t.key()).value(t.value())
                            .build())
                    .toList()));
        }
        String eventId = UUID.randomUUID().toString();
        return new Tagged(eventId, record(eventId, "DeleteTags", account, region, resources, List.of(tags)));
    }

    public static String record(String eventId, String eventName, String account, String region,
            List<String> resources, List<Tag> tags) {
        ObjectNode r;
        try {
            r = (ObjectNode) JSON.readTree(Records.authorize(eventId, Instant.now().minusSeconds(30), account,
                    account, region, "sg-0", false, List.of()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        r.put("eventName", eventName);
        ObjectNode request = r.putObject("requestParameters");
        ArrayNode items = request.putObject("resourcesSet").putArray("items");
        resources.forEach(id -> items.addObject().put("resourceId", id));
        ObjectNode set = request.putObject("tagSet");
        if (!tags.isEmpty()) {
            ArrayNode t = set.putArray("items");
            for (Tag tag : tags) {
                ObjectNode item = t.addObject().put("key", tag.key());
                if (tag.value() != null) {
                    item.put("value", tag.value());
                }
            }
        }
        ObjectNode response = r.putObject("responseElements");
        response.put("requestId", r.path("requestID").asText());
        response.put("_return", true);
        return r.toString();
    }

    /** The group's tags in moto now. */
    public static java.util.Map<String, String> of(Moto moto, String account, String region, String groupId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            java.util.Map<String, String> out = new java.util.TreeMap<>();
            ec2.describeSecurityGroups(b -> b.groupIds(groupId)).securityGroups().get(0).tags()
                    .forEach(t -> out.put(t.key(), t.value()));
            return out;
        }
    }
}
