package sgwarden.change;

/** The other side of a rule: where traffic may come from (ingress) or go to (egress). */
public record Peer(Kind kind, String value, String ownerAccount) {

    public enum Kind {
        IPV4_CIDR,
        IPV6_CIDR,
        PREFIX_LIST,
        SECURITY_GROUP
    }

    public boolean isWorld() {
        return "0.0.0.0/0".equals(value) || "::/0".equals(value);
    }

    public String describe() {
        if (kind == Kind.SECURITY_GROUP && ownerAccount != null && !ownerAccount.isBlank()) {
            return value + " (account " + ownerAccount + ")";
        }
        return value;
    }
}
