package sgwarden.change;

/**
 * A rule as sgwarden last saw it, from an addition or a modification. direction is null when only
 * a modification was seen: ModifySecurityGroupRules records do not say whether a rule is inbound.
 */
public record KnownForm(Direction direction, Rule rule) {
}
