package sgwarden.change;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tags set (CreateTags) or removed (DeleteTags) on security groups. As the record names it: the
 * groups (only sg- resources are kept) and the tags; a DeleteTags tag may carry no value (any value
 * goes). Once expanded per group, before and after are the group's tags as sgwarden last approved
 * them and with this change applied, and switches what that turns on or off ("approve|platform|on").
 */
public record Tagging(List<String> groups, List<Tag> tags, Map<String, String> before, Map<String, String> after,
        List<String> switches) {

    public static final String CREATE_EVENT = "CreateTags";
    public static final String DELETE_EVENT = "DeleteTags";

    /** One tag of the request; value null in a DeleteTags that names only the key. */
    public record Tag(String key, String value) {
        /** "team=platform", or "team" for a key alone. */
        public String describe() {
            return value == null ? key : key + "=" + value;
        }
    }

    public Tagging {
        groups = groups == null ? List.of() : List.copyOf(groups);
        tags = tags == null ? List.of() : List.copyOf(tags);
        before = before == null ? null : Map.copyOf(before);
        after = after == null ? null : Map.copyOf(after);
        switches = switches == null ? List.of() : List.copyOf(switches);
    }

    /** As the record names it, before sgwarden read anything. */
    public Tagging(List<String> groups, List<Tag> tags) {
        this(groups, tags, null, null, null);
    }

    public static boolean isEvent(String eventName) {
        return CREATE_EVENT.equals(eventName) || DELETE_EVENT.equals(eventName);
    }

    /** These tags applied to earlier ones: set by CreateTags, removed by DeleteTags (when the value matches). */
    public static Map<String, String> apply(boolean delete, List<Tag> tags, Map<String, String> earlier) {
        Map<String, String> out = new LinkedHashMap<>(earlier);
        for (Tag t : tags) {
            if (!delete) {
                out.put(t.key(), t.value() == null ? "" : t.value());
            } else if (t.value() == null || t.value().equals(out.get(t.key()))) {
                out.remove(t.key());
            }
        }
        return out;
    }

    /** For one group, with what it switches. */
    public Tagging of(String groupId, Map<String, String> before, Map<String, String> after, List<String> switches) {
        return new Tagging(List.of(groupId), tags, before, after, switches);
    }

    /** "team=platform, env", as the request names them. */
    public String describeTags() {
        return String.join(", ", tags.stream().map(Tag::describe).toList());
    }
}
