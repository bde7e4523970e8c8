package sgwarden.policy;

import java.util.Locale;

/** Whether a change added rules or modified existing ones, from the CloudTrail event name. */
public enum EventKind {
    ADDED,
    MODIFIED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EventKind ofEventName(String eventName) {
        return "ModifySecurityGroupRules".equals(eventName) ? MODIFIED : ADDED;
    }

    static EventKind of(String word) {
        for (EventKind k : values()) {
            if (k.word().equals(word)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown event '" + word + "' (use added or modified)");
    }
}
