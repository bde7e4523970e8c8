package sgwarden.policy;

import java.util.regex.Pattern;

/**
 * A case-insensitive wildcard pattern: {@code ?} is one character, {@code *} any run of characters.
 * In a principal ARN glob {@code *} stops at {@code /} (so a session name cannot pass for a role
 * name) and {@code **} crosses it; in other globs {@code *} matches anything.
 */
public final class Glob {

    private final String text;
    private final Pattern pattern;

    private Glob(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    public static Glob text(String glob) {
        return compile(glob, false);
    }

    public static Glob arn(String glob) {
        return compile(glob, true);
    }

    private static Glob compile(String glob, boolean segments) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("an empty pattern matches nothing");
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c != '*' && c != '?') {
                literal.append(c);
                continue;
            }
            if (literal.length() > 0) {
                regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            if (c == '?') {
                regex.append(segments ? "[^/]" : ".");
            } else if (segments && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else {
                regex.append(segments ? "[^/]*" : ".*");
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return new Glob(glob,
                Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
    }

    public boolean matches(String value) {
        return value != null && pattern.matcher(value).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
