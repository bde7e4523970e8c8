package sgwarden.change;

/** One rule changed in place: its earlier form (null when sgwarden never saw the rule) and the new one. */
public record Modification(String ruleId, KnownForm earlier, Rule after) {

    public boolean earlierKnown() {
        return earlier != null;
    }

    public Direction direction() {
        return earlier == null ? null : earlier.direction();
    }

    /** Only the description changed: protocol, ports and peer are as they were. */
    public boolean descriptionOnly() {
        return earlier != null && Rule.sameTraffic(earlier.rule(), after);
    }
}
