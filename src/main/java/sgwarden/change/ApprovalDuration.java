package sgwarden.change;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One choice Approve offers: a time after which the change is reverted, or permanently. Written in the
 * settings and in a button's action_id as "1h", "8h", "7d", "30s" or "permanent".
 */
public record ApprovalDuration(String code, Duration duration) {

    public static final String PERMANENT = "permanent";
    private static final Pattern FORM = Pattern.compile("(\\d{1,6})([smhd])");

    public static ApprovalDuration parse(String text) {
        String code = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (PERMANENT.equals(code)) {
            return new ApprovalDuration(code, null);
        }
        Matcher m = FORM.matcher(code);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException("'" + text + "' is neither a duration (a positive number and s, m, h"
                    + " or d, e.g. 8h) nor 'permanent'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return new ApprovalDuration(code, d);
    }

    public boolean permanent() {
        return duration == null;
    }

    /** "8 h", "7 d", "permanently": as the message says it. */
    public String label() {
        return permanent() ? "permanently"
                : code.substring(0, code.length() - 1) + " " + code.charAt(code.length() - 1);
    }
}
