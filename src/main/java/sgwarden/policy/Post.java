package sgwarden.policy;

import java.util.Locale;

/** How a change approved by a policy shows in Slack. */
public enum Post {
    /** A one-line message without buttons. */
    COMPACT,
    /** No message at all; the change is still recorded and counted. */
    NONE;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Post of(String word) {
        for (Post p : values()) {
            if (p.word().equals(word)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown post '" + word + "' (use compact or none)");
    }
}
