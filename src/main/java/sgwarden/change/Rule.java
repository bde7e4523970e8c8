package sgwarden.change;

/**
 * One rule a change created. ruleId is the securityGroupRuleId CloudTrail reports; it is what a
 * revert removes, so a revert never touches a rule that happened to look the same.
 */
public record Rule(String ruleId, String protocol, Integer fromPort, Integer toPort, Peer peer, String description) {

    /** Same protocol, ports and peer, whatever the descriptions and rule IDs say. */
    public static boolean sameTraffic(Rule a, Rule b) {
        // the peer's kind and value: a group reference's owner is in some shapes and not in others
        if (a == null || b == null || !java.util.Objects.equals(a.protocol, b.protocol) || a.peer == null
                || b.peer == null || a.peer.kind() != b.peer.kind()
                || !java.util.Objects.equals(a.peer.value(), b.peer.value())) {
            return false;
        }
        // every port of "all traffic" is the same; EC2 reports its ports as -1 or not at all
        return a.isAllProtocols() || (java.util.Objects.equals(port(a.fromPort), port(b.fromPort))
                && java.util.Objects.equals(port(a.toPort), port(b.toPort)));
    }

    private static Integer port(Integer p) {
        return p == null ? Integer.valueOf(-1) : p;
    }

    public boolean isAllProtocols() {
        return "all".equals(protocol);
    }

    public boolean isIcmp() {
        return "icmp".equals(protocol) || "icmpv6".equals(protocol);
    }

    /** All ports: every protocol, or a tcp/udp range that spans 0..65535. */
    public boolean isAllPorts() {
        if (isAllProtocols()) {
            return true;
        }
        if (isIcmp()) {
            return false;
        }
        if (fromPort == null || toPort == null) {
            return "tcp".equals(protocol) || "udp".equals(protocol);
        }
        return fromPort == -1 || (fromPort <= 0 && toPort >= 65535);
    }

    /** "tcp 22", "udp 1000-2000", "icmp type 8 code 0", "all traffic". */
    public String describeTraffic() {
        if (isAllProtocols()) {
            return "all traffic";
        }
        if (isIcmp()) {
            String type = fromPort == null || fromPort == -1 ? "all types" : "type " + fromPort;
            String code = toPort == null || toPort == -1 ? "" : " code " + toPort;
            return protocol + " " + type + code;
        }
        String name = protocol.matches("\\d+") ? "protocol " + protocol : protocol;
        if (fromPort == null || toPort == null || isAllPorts()) {
            return name + " all ports";
        }
        return fromPort.equals(toPort) ? name + " " + fromPort : name + " " + fromPort + "-" + toPort;
    }
}
