package sgwarden.change;

public enum Direction {
    INGRESS("inbound", "from"),
    EGRESS("outbound", "to");

    private final String adjective;
    private final String peerPreposition;

    Direction(String adjective, String peerPreposition) {
        this.adjective = adjective;
        this.peerPreposition = peerPreposition;
    }

    public String adjective() {
        return adjective;
    }

    public String peerPreposition() {
        return peerPreposition;
    }

    public static Direction ofEventName(String eventName) {
        if (eventName != null && eventName.endsWith("Egress")) {
            return EGRESS;
        }
        return INGRESS;
    }
}
