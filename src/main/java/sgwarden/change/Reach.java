package sgwarden.change;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How much of the internet a rule opens to, alone or together with the other rules of its change.
 *
 * <p>
 * World: 0.0.0.0/0 or ::/0, any /1 (half the internet), or rules of one change that together open
 * every public address for some traffic (0.0.0.0/1 and 128.0.0.0/1 on 22/tcp; four /2s; or every
 * public block but 10.0.0.0/8). Wide: a /8 or wider (IPv6 /16) that holds a public address, or rules
 * of one change that together open as many public addresses as a /8 for some traffic. An insider who
 * splits one wide rule into halves or into many narrow ones gains nothing.
 *
 * <p>
 * "Public" is every address outside the private and reserved ranges below; unallocated IPv6 space
 * counts as public, since it may be allocated tomorrow. A block that straddles public and reserved
 * space is judged by its public part (0.0.0.0/4 holds 10.0.0.0/8 and is wide; 10.0.0.0/8 is not).
 *
 * <p>
 * Rules add up for a piece of traffic (a protocol and a port, or an ICMP type and code) that each of
 * them allows, so overlapping port ranges add up where they overlap: 0.0.0.0/2 on 20-25 and the
 * other three /2s on 22 are world together, at 22. A rule that takes part counts as world (or wide) for
 * all of its traffic, not only where the others overlap it: when in doubt, the stricter answer. A
 * rule inside another rule's block for the same traffic (8.8.8.0/24 beside 8.0.0.0/8) takes no part:
 * the larger one carries the reach.
 */
public record Reach(Extent extent, Why why) {

    public enum Extent {
        NARROW,
        WIDE,
        WORLD
    }

    public enum Why {
        /** Not wide. */
        NONE,
        /** 0.0.0.0/0 or ::/0. */
        ALL,
        /** A /1: half the address space. */
        HALF,
        /** A public /8 or wider (IPv6 /16). */
        BLOCK,
        /** Together with other rules of the same change, for the same traffic. */
        TOGETHER,
        /** A CIDR that cannot be read: counted as wide. */
        UNREADABLE
    }

    public static final Reach NARROW = new Reach(Extent.NARROW, Why.NONE);

    /** The widest IPv4 and IPv6 prefixes that are not yet wide. */
    static final int WIDE_V4 = 8;
    static final int WIDE_V6 = 16;

    static final List<Cidr.Span> RESERVED_V4 = Cidr.union(cidrs("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10",
            "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16",
            "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"));
    static final List<Cidr.Span> RESERVED_V6 = Cidr.union(cidrs("::/128", "::1/128", "100::/64", "2001:db8::/32",
            "fc00::/7", "fe80::/10", "ff00::/8"));
    private static final BigInteger ALL_PUBLIC_V4 = publicAddresses(List.of(Cidr.parse("0.0.0.0/0").span()), 32);
    private static final BigInteger ALL_PUBLIC_V6 = publicAddresses(List.of(Cidr.parse("::/0").span()), 128);

    public boolean isWorld() {
        return extent == Extent.WORLD;
    }

    /** Wide but not world. */
    public boolean isWide() {
        return extent == Extent.WIDE;
    }

    /** A peer on its own. */
    public static Reach alone(Peer peer) {
        if (peer == null || (peer.kind() != Peer.Kind.IPV4_CIDR && peer.kind() != Peer.Kind.IPV6_CIDR)) {
            return NARROW;
        }
        Cidr cidr = Cidr.parseOrNull(peer.value());
        if (cidr == null) {
            return new Reach(Extent.WIDE, Why.UNREADABLE);
        }
        if (cidr.prefix() == 0) {
            return new Reach(Extent.WORLD, Why.ALL);
        }
        if (cidr.prefix() == 1) {
            return new Reach(Extent.WORLD, Why.HALF);
        }
        if (cidr.prefix() <= (cidr.isIpv6() ? WIDE_V6 : WIDE_V4) && hasPublic(cidr)) {
            return new Reach(Extent.WIDE, Why.BLOCK);
        }
        return NARROW;
    }

    /** Each rule's reach, in the order of the rules, with the rules of the change taken together. */
    public static List<Reach> of(List<Rule> rules) {
        List<Reach> reach = new ArrayList<>(rules.size());
        for (Rule r : rules) {
            reach.add(alone(r.peer()));
        }
        together(rules, reach, 32);
        together(rules, reach, 128);
        return Collections.unmodifiableList(reach);
    }

    public static boolean hasPublic(Cidr cidr) {
        return publicAddresses(List.of(cidr.span()), cidr.bits()).signum() > 0;
    }

    private static void together(List<Rule> rules, List<Reach> reach, int bits) {
        List<Integer> members = new ArrayList<>();
        List<Cidr> cidrs = new ArrayList<>();
        List<Traffic> traffic = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Peer p = rules.get(i).peer();
            Cidr c = p == null ? null : Cidr.parseOrNull(p.value());
            // a rule that opens only private or reserved addresses adds nothing the internet can reach
            if (c != null && c.bits() == bits && (p.kind() == Peer.Kind.IPV4_CIDR || p.kind() == Peer.Kind.IPV6_CIDR)
                    && hasPublic(c)) {
                members.add(i);
                cidrs.add(c);
                traffic.add(Traffic.of(rules.get(i)));
            }
        }
        if (members.size() < 2) {
            return;
        }
        // every protocol some rule names, and one that only all-traffic rules allow
        Set<String> protocols = new LinkedHashSet<>();
        for (Traffic t : traffic) {
            protocols.add(t.protocol());
        }
        if (protocols.remove(Traffic.ALL)) {
            protocols.add("other");
        }
        // a rule inside another rule's block adds nothing to what they open together
        List<List<Integer>> containers = new ArrayList<>();
        for (int k = 0; k < cidrs.size(); k++) {
            List<Integer> in = new ArrayList<>();
            for (int j = 0; j < cidrs.size(); j++) {
                if (j != k && cidrs.get(j).contains(cidrs.get(k)) && (!cidrs.get(j).equals(cidrs.get(k)) || j < k)) {
                    in.add(j);
                }
            }
            containers.add(in);
        }
        BigInteger allPublic = bits == 32 ? ALL_PUBLIC_V4 : ALL_PUBLIC_V6;
        BigInteger wide = BigInteger.ONE.shiftLeft(bits - (bits == 32 ? WIDE_V4 : WIDE_V6));
        for (String protocol : protocols) {
            // which rules allow a piece of traffic changes only where some rule's range starts or ends
            TreeSet<Integer> points = new TreeSet<>();
            for (Traffic t : traffic) {
                if (t.allows(protocol)) {
                    points.add(t.from());
                    points.add(t.to() + 1);
                }
            }
            for (int point : points) {
                List<Integer> open = new ArrayList<>();
                for (int k = 0; k < members.size(); k++) {
                    if (traffic.get(k).allows(protocol, point)) {
                        open.add(k);
                    }
                }
                if (open.size() < 2) {
                    continue;
                }
                List<Cidr> blocks = new ArrayList<>(open.size());
                for (int k : open) {
                    blocks.add(cidrs.get(k));
                }
                BigInteger reached = publicAddresses(Cidr.union(blocks), bits);
                Extent extent = reached.compareTo(allPublic) >= 0 ? Extent.WORLD
                        : reached.compareTo(wide) >= 0 ? Extent.WIDE : Extent.NARROW;
                if (extent == Extent.NARROW) {
                    continue;
                }
                for (int k : open) {
                    int i = members.get(k);
                    boolean inside = containers.get(k).stream().anyMatch(j -> traffic.get(j).allows(protocol, point));
                    if (!inside && reach.get(i).extent().compareTo(extent) < 0) {
                        reach.set(i, new Reach(extent, Why.TOGETHER));
                    }
                }
            }
        }
    }

    static BigInteger publicAddresses(List<Cidr.Span> union, int bits) {
        return Cidr.size(union).subtract(Cidr.overlap(union, bits == 32 ? RESERVED_V4 : RESERVED_V6));
    }

    private static List<Cidr> cidrs(String... text) {
        List<Cidr> list = new ArrayList<>();
        for (String t : text) {
            list.add(Cidr.parse(t));
        }
        return list;
    }

    /**
     * What a rule allows, as a protocol and a range of values: ports for tcp and udp, type * 256 +
     * code for ICMP, and every value for all traffic and for protocols without ports.
     */
    record Traffic(String protocol, int from, int to) {
        static final String ALL = "all";

        static Traffic of(Rule rule) {
            if (rule.isAllProtocols()) {
                return new Traffic(ALL, 0, 65535);
            }
            String protocol = rule.protocol() == null ? "?" : rule.protocol();
            Integer from = rule.fromPort();
            Integer to = rule.toPort();
            if ("tcp".equals(protocol) || "udp".equals(protocol)) {
                if (from == null || to == null || from < 0 || to < 0) {
                    return new Traffic(protocol, 0, 65535);
                }
                return new Traffic(protocol, Math.max(0, Math.min(from, to)), Math.min(65535, Math.max(from, to)));
            }
            if (rule.isIcmp()) {
                if (from == null || from < 0 || from > 255) {
                    return new Traffic(protocol, 0, 65535);
                }
                if (to == null || to < 0 || to > 255) {
                    return new Traffic(protocol, from * 256, from * 256 + 255);
                }
                return new Traffic(protocol, from * 256 + to, from * 256 + to);
            }
            return new Traffic(protocol, 0, 65535);
        }

        boolean allows(String p) {
            return ALL.equals(protocol) || protocol.equals(p);
        }

        boolean allows(String p, int value) {
            return allows(p) && from <= value && value <= to;
        }
    }
}
