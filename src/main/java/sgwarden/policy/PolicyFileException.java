package sgwarden.policy;

/** A policy file that cannot be used, with the line (0 when unknown) and the reason. */
public class PolicyFileException extends RuntimeException {

    private final String source;
    private final int line;
    private final String reason;

    public PolicyFileException(String source, int line, String reason, Throwable cause) {
        super("bad policy file " + source + (line > 0 ? ": line " + line : "") + ": " + reason, cause);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
