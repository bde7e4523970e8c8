package sgwarden.slack;

import java.util.function.UnaryOperator;

/**
 * Makes text from an event safe inside Slack mrkdwn: it cannot mention a channel, link anywhere or
 * change the formatting around it.
 */
public final class Mrkdwn {

    private Mrkdwn() {
    }

    public static String escape(String text) {
        return escaped(text, false);
    }

    /**
     * Text for inside a `code span`, where Slack applies no formatting and reads no mention: only
     * &amp;, &lt; and &gt; are escaped (Slack shows them as the characters), so what a reader copies out
     * is the original. A backtick would end the span, so it becomes the look-alike U+02CB.
     */
    public static String code(String text, int max) {
        return cut(text, max, t -> escaped(t, true));
    }

    private static final java.util.regex.Pattern DATE = java.util.regex.Pattern
            .compile("<!date\\^\\d+\\^[^|>]*\\|([^>]*)>");
    private static final java.util.regex.Pattern LEADING_MENTION = java.util.regex.Pattern
            .compile("^&lt;!subteam\\^([A-Z0-9]+)&gt;");

    /**
     * A message's plain text, which Slack shows in notifications and previews, from text that may hold
     * mrkdwn escapes and date tokens: each date as its fallback (UTC), no zero-width spaces, and only
     * Slack's three escapes, so event text still cannot mention or link. A user group mentioned at the very
     * start (a reminder's) stays a mention; one anywhere else is text.
     */
    public static String plain(String text, int max) {
        if (text == null) {
            return "";
        }
        String dated = DATE.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1)));
        String bare = dated.replace("\u200B", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        String escaped = bare.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        String mentioned = LEADING_MENTION.matcher(escaped).replaceFirst("<!subteam^$1>");
        return mentioned.length() <= max ? mentioned : mentioned.substring(0, max - 1) + "…";
    }

    /** Escaped and cut to at most max characters, so one long description cannot break a block limit. */
    public static String escape(String text, int max) {
        return cut(text, max, t -> escaped(t, false));
    }

    private static String escaped(String text, boolean inCode) {
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
                // a backtick would end a code span; outside one, a zero-width space keeps it from pairing up
                case '`' -> out.append(inCode ? "\u02CB" : "`\u200B");
                // outside code, a zero-width space keeps *bold*, _italic_ and ~strike~ from pairing up across our
                // text, and @channel, @here and @everyone from being read as mentions when link_names is on
                case '*', '_', '~', '@' -> out.append(c).append(inCode ? "" : "\u200B");
                case '\n', '\r' -> out.append(' ');
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String cut(String text, int max, UnaryOperator<String> escaper) {
        if (text == null) {
            return "";
        }
        String escaped = escaper.apply(text);
        if (escaped.length() <= max) {
            return escaped;
        }
        // cut between whole characters of the original, so no escape or surrogate pair is split
        StringBuilder out = new StringBuilder(max);
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            String piece = escaper.apply(new String(Character.toChars(cp)));
            if (out.length() + piece.length() > max - 1) {
                break;
            }
            out.append(piece);
            i += Character.charCount(cp);
        }
        return out.append('…').toString();
    }
}
