package sgwarden.policy;

/** An inclusive range of tcp/udp ports, written 22 or "8000-8099" in the policy file. */
public record PortRange(int from, int to) {

    public static final PortRange ALL = new PortRange(0, 65535);

    public PortRange {
        if (from < 0 || to > 65535 || from > to) {
            throw new IllegalArgumentException(
                    "bad port range " + from + "-" + to + " (ports are 0 to 65535, low-high)");
        }
    }

    static PortRange parse(String text) {
        String t = text.trim();
        try {
            int dash = t.indexOf('-', 1);
            if (dash < 0) {
                int port = Integer.parseInt(t);
                return new PortRange(port, port);
            }
            return new PortRange(Integer.parseInt(t.substring(0, dash).trim()),
                    Integer.parseInt(t.substring(dash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + text + "' (write a port, 22, or a range, \"8000-8099\")");
        }
    }

    public boolean overlaps(PortRange other) {
        return from <= other.to && other.from <= to;
    }

    public boolean contains(int port) {
        return from <= port && port <= to;
    }

    @Override
    public String toString() {
        return from == to ? String.valueOf(from) : from + "-" + to;
    }
}
