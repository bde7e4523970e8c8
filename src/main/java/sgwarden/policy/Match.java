package sgwarden.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import sgwarden.change.Direction;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;

/**
 * What a policy matches, for one rule of a change. Every field is optional (null: not checked);
 * all that are given must hold. A list field holds when any of its entries does.
 */
public record Match(
        Set<String> accounts,
        Set<String> regions,
        Direction direction,
        EventKind event,
        Set<String> protocols,
        List<PortRange> ports,
        List<PortRange> onlyPorts,
        Set<PeerKind> peers,
        List<Glob> principals,
        Set<String> identityTypes,
        List<Glob> userAgents,
        Map<String, Glob> tags) {

    /** Matches every rule. */
    public static final Match ANY = new Match(null, null, null, null, null, null, null, null, null, null, null, null);

    public boolean usesTags() {
        return tags != null;
    }

    /** Whether the group's tags satisfy this match's tags (true when it names none); tags never null. */
    public boolean tagsHold(Map<String, String> groupTags) {
        return tags == null || tags.entrySet().stream().allMatch(t -> t.getValue().matches(groupTags.get(t.getKey())));
    }

    /**
     * peerKinds: the kinds by which the policy matches the rule's peer (PeerKind.matchedAs). tags is called only when every
     * other field holds, and only if this match names tags.
     */
    boolean matches(SecurityGroupChange change, Rule rule, List<PeerKind> peerKinds,
            Supplier<Map<String, String>> groupTags) {
        return test(change, rule, peerKinds, groupTags) == Outcome.YES;
    }

    /** UNKNOWN: every other field holds, but the match names tags and the group's tags cannot be read. */
    enum Outcome {
        YES,
        NO,
        UNKNOWN
    }

    /** As matches, telling a failed match from one that could not be decided; groupTags gives null when unreadable. */
    Outcome test(SecurityGroupChange change, Rule rule, List<PeerKind> peerKinds,
            Supplier<Map<String, String>> groupTags) {
        if (accounts != null && !accounts.contains(change.accountId())) {
            return Outcome.NO;
        }
        if (regions != null && !regions.contains(change.region())) {
            return Outcome.NO;
        }
        if (direction != null && direction != change.direction()) {
            return Outcome.NO;
        }
        if (event != null && event != EventKind.ofEventName(change.eventName())) {
            return Outcome.NO;
        }
        if (protocols != null && !protocolMatches(rule)) {
            return Outcome.NO;
        }
        if (ports != null || onlyPorts != null) {
            PortRange open = portsOf(rule);
            if (open == null) {
                return Outcome.NO;
            }
            if (ports != null && ports.stream().noneMatch(open::overlaps)) {
                return Outcome.NO;
            }
            if (onlyPorts != null && !outside(open, onlyPorts)) {
                return Outcome.NO;
            }
        }
        if (peers != null && peerKinds.stream().noneMatch(peers::contains)) {
            return Outcome.NO;
        }
        String principal = change.actor() == null ? null : change.actor().principalArn();
        if (principals != null && principals.stream().noneMatch(g -> g.matches(principal))) {
            return Outcome.NO;
        }
        String type = change.actor() == null ? null : change.actor().identityType();
        if (identityTypes != null
                && (type == null || !identityTypes.contains(type.toLowerCase(java.util.Locale.ROOT)))) {
            return Outcome.NO;
        }
        String agent = change.actor() == null ? null : change.actor().userAgent();
        if (userAgents != null && userAgents.stream().noneMatch(g -> g.matches(agent))) {
            return Outcome.NO;
        }
        if (tags != null) {
            Map<String, String> actual = groupTags.get();
            if (actual == null) {
                return Outcome.UNKNOWN;
            }
            for (Map.Entry<String, Glob> wanted : tags.entrySet()) {
                if (!wanted.getValue().matches(actual.get(wanted.getKey()))) {
                    return Outcome.NO;
                }
            }
        }
        return Outcome.YES;
    }

    /** An all-traffic rule allows every protocol, so it matches any list; "all" matches only such rules. */
    private boolean protocolMatches(Rule rule) {
        return rule.isAllProtocols() ? true : protocols.contains(rule.protocol());
    }

    /**
     * The ports a rule opens: every port for all traffic, its range for tcp and udp, and null for
     * icmp and other protocols, which have no ports (neither ports nor onlyPorts matches them).
     */
    static PortRange portsOf(Rule rule) {
        if (rule.isAllProtocols()) {
            return PortRange.ALL;
        }
        if (!"tcp".equals(rule.protocol()) && !"udp".equals(rule.protocol())) {
            return null;
        }
        Integer from = rule.fromPort();
        Integer to = rule.toPort();
        if (from == null || to == null || from < 0 || to < 0) {
            return PortRange.ALL;
        }
        return new PortRange(Math.max(0, Math.min(from, to)), Math.min(65535, Math.max(from, to)));
    }

    /** True when some port of open lies outside every allowed range (Cloud Custodian's OnlyPorts). */
    private static boolean outside(PortRange open, List<PortRange> allowed) {
        int port = open.from();
        while (port <= open.to()) {
            int next = port;
            for (PortRange a : allowed) {
                if (a.contains(port)) {
                    next = Math.max(next, a.to() + 1);
                }
            }
            if (next == port) {
                return true;
            }
            port = next;
        }
        return false;
    }
}
