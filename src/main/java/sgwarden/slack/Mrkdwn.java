package sgwarden.slack;

/**
 * Makes text from an event safe inside Slack mrkdwn: it cannot mention a channel, link anywhere or
 * change the formatting around it.
 */
public final class Mrkdwn {

    private Mrkdwn() {
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                // Slack's own escaping: < > & are the only characters that start links and mentions
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                // a zero-width space keeps *bold*, _italic_, ~strike~ and `code` from pairing up across our text
                case '*', '_', '~', '`' -> out.append(c).append('\u200B');
                // keeps @channel, @here and @everyone from being read as mentions when link_names is on
                case '@' -> out.append("@\u200B");
                case '\n', '\r' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Escaped and cut to at most max characters, so one long description cannot break a block limit. */
    public static String escape(String text, int max) {
        String escaped = escape(text);
        if (escaped.length() <= max) {
            return escaped;
        }
        // cut between whole characters of the original, so no escape or surrogate pair is split
        StringBuilder out = new StringBuilder(max);
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            String piece = escape(new String(Character.toChars(cp)));
            if (out.length() + piece.length() > max - 1) {
                break;
            }
            out.append(piece);
            i += Character.charCount(cp);
        }
        return out.append('…').toString();
    }
}
