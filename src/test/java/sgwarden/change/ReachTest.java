package sgwarden.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import sgwarden.change.Reach.Extent;
import sgwarden.change.Reach.Why;

/** The CIDR arithmetic behind world and wide: one block alone, and the rules of one change together. */
class ReachTest {

    static Rule tcp(int from, int to, String cidr) {
        return new Rule(null, "tcp", from, to, peer(cidr), null);
    }

    static Rule rule(String protocol, int from, int to, String cidr) {
        return new Rule(null, protocol, from, to, peer(cidr), null);
    }

    static Peer peer(String cidr) {
        return new Peer(cidr.contains(":") ? Peer.Kind.IPV6_CIDR : Peer.Kind.IPV4_CIDR, cidr, null);
    }

    static List<Extent> extents(Rule... rules) {
        return Reach.of(List.of(rules)).stream().map(Reach::extent).toList();
    }

    @ParameterizedTest(name = "{0} alone is {1}")
    @CsvSource({
            "0.0.0.0/0, WORLD, ALL",
            "::/0, WORLD, ALL",
            "0.0.0.0/1, WORLD, HALF",
            "128.0.0.0/1, WORLD, HALF",
            "::/1, WORLD, HALF",
            "8000::/1, WORLD, HALF",
            "64.0.0.0/2, WIDE, BLOCK",
            "8.0.0.0/6, WIDE, BLOCK",
            // holds 10.0.0.0/8, but mostly public: wide
            "0.0.0.0/4, WIDE, BLOCK",
            // the /8 edge
            "8.0.0.0/8, WIDE, BLOCK",
            "8.0.0.0/9, NARROW, NONE",
            "8.128.0.0/9, NARROW, NONE",
            // partly reserved /8s are still wide: 169.254.0.0/16 is only part of 169.0.0.0/8
            "169.0.0.0/8, WIDE, BLOCK",
            "172.0.0.0/8, WIDE, BLOCK",
            // a /7 of one private and one public /8
            "10.0.0.0/7, WIDE, BLOCK",
            // private and reserved /8s and wider blocks of nothing public
            "10.0.0.0/8, NARROW, NONE",
            "127.0.0.0/8, NARROW, NONE",
            "0.0.0.0/8, NARROW, NONE",
            "224.0.0.0/3, NARROW, NONE",
            "100.64.0.0/10, NARROW, NONE",
            "203.0.113.0/24, NARROW, NONE",
            "1.2.3.4/32, NARROW, NONE",
            // IPv6: /16 is wide, /17 is not; unique-local, link-local and multicast are not public
            "2000::/3, WIDE, BLOCK",
            "2600::/16, WIDE, BLOCK",
            "2600::/17, NARROW, NONE",
            "fc00::/7, NARROW, NONE",
            "fe80::/10, NARROW, NONE",
            "ff00::/8, NARROW, NONE",
            // unallocated space may be allocated tomorrow: public
            "4000::/2, WIDE, BLOCK",
            "2001:db8::/32, NARROW, NONE",
            "not-a-cidr, WIDE, UNREADABLE"})
    void oneBlockAlone(String cidr, Extent extent, Why why) {
        Reach r = Reach.alone(peer(cidr));
        assertEquals(extent, r.extent(), cidr);
        assertEquals(why, r.why(), cidr);
        assertEquals(r, Reach.of(List.of(tcp(22, 22, cidr))).get(0), "alone in its change, the same");
    }

    @Test
    void peersThatAreNotCidrsAreNarrow() {
        assertEquals(Reach.NARROW, Reach.alone(new Peer(Peer.Kind.PREFIX_LIST, "pl-0123", null)));
        assertEquals(Reach.NARROW, Reach.alone(new Peer(Peer.Kind.SECURITY_GROUP, "sg-0123", "111111111111")));
        assertEquals(Reach.NARROW, Reach.alone(null));
    }

    @Test
    void twoHalvesForTheSamePortAreTheWorld() {
        List<Reach> r = Reach.of(List.of(tcp(22, 22, "0.0.0.0/1"), tcp(22, 22, "128.0.0.0/1")));
        // each half is world already; together they stay world
        assertEquals(List.of(Extent.WORLD, Extent.WORLD), r.stream().map(Reach::extent).toList());
    }

    @Test
    void fourQuartersAreTheWorldTogetherAndWideAlone() {
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.WORLD, Extent.WORLD),
                extents(tcp(3389, 3389, "0.0.0.0/2"), tcp(3389, 3389, "64.0.0.0/2"), tcp(3389, 3389, "128.0.0.0/2"),
                        tcp(3389, 3389, "192.0.0.0/2")));
        assertEquals(Why.TOGETHER, Reach.of(List.of(tcp(22, 22, "0.0.0.0/2"), tcp(22, 22, "64.0.0.0/2"),
                tcp(22, 22, "128.0.0.0/2"), tcp(22, 22, "192.0.0.0/2"))).get(0).why());
        // three quarters are not the world: each is wide
        assertEquals(List.of(Extent.WIDE, Extent.WIDE, Extent.WIDE),
                extents(tcp(22, 22, "0.0.0.0/2"), tcp(22, 22, "64.0.0.0/2"), tcp(22, 22, "128.0.0.0/2")));
    }

    @Test
    void ipv6QuartersAreTheWorldTogether() {
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.WORLD, Extent.WORLD),
                extents(tcp(22, 22, "::/2"), tcp(22, 22, "4000::/2"), tcp(22, 22, "8000::/2"),
                        tcp(22, 22, "c000::/2")));
        // IPv4 and IPv6 never add up
        assertEquals(List.of(Extent.WIDE, Extent.WIDE, Extent.WIDE, Extent.WIDE),
                extents(tcp(22, 22, "0.0.0.0/2"), tcp(22, 22, "64.0.0.0/2"), tcp(22, 22, "8000::/2"),
                        tcp(22, 22, "c000::/2")));
    }

    @Test
    void differentPortsDoNotAddUp() {
        assertEquals(List.of(Extent.WIDE, Extent.WIDE, Extent.WIDE, Extent.WIDE),
                extents(tcp(22, 22, "0.0.0.0/2"), tcp(22, 22, "64.0.0.0/2"), tcp(22, 22, "128.0.0.0/2"),
                        tcp(23, 23, "192.0.0.0/2")));
        // nor do tcp and udp
        assertEquals(List.of(Extent.WIDE, Extent.WIDE, Extent.WIDE, Extent.WIDE),
                extents(tcp(53, 53, "0.0.0.0/2"), tcp(53, 53, "64.0.0.0/2"), tcp(53, 53, "128.0.0.0/2"),
                        rule("udp", 53, 53, "192.0.0.0/2")));
    }

    @Test
    void overlappingPortRangesAddUpWhereTheyOverlap() {
        // 20-25 and 22 overlap at 22: the whole internet reaches 22, so both rules are world
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.WORLD, Extent.WORLD),
                extents(tcp(20, 25, "0.0.0.0/2"), tcp(22, 22, "64.0.0.0/2"), tcp(0, 65535, "128.0.0.0/2"),
                        tcp(22, 3389, "192.0.0.0/2")));
        // 20-21 and 22-23 touch but do not overlap
        assertEquals(List.of(Extent.WIDE, Extent.WIDE, Extent.WIDE, Extent.WIDE),
                extents(tcp(20, 21, "0.0.0.0/2"), tcp(22, 23, "64.0.0.0/2"), tcp(20, 23, "128.0.0.0/2"),
                        tcp(20, 23, "192.0.0.0/2")));
    }

    @Test
    void allTrafficAddsUpWithEveryProtocol() {
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.WORLD, Extent.WORLD),
                extents(rule("all", -1, -1, "0.0.0.0/2"), tcp(22, 22, "64.0.0.0/2"),
                        rule("all", -1, -1, "128.0.0.0/2"), tcp(20, 30, "192.0.0.0/2")));
        // tcp and udp quarters do not add up, even with all traffic for the rest
        assertEquals(List.of(Extent.WIDE, Extent.WIDE, Extent.WIDE, Extent.WIDE),
                extents(rule("all", -1, -1, "0.0.0.0/2"), tcp(22, 22, "64.0.0.0/2"),
                        rule("all", -1, -1, "128.0.0.0/2"), rule("udp", -1, -1, "192.0.0.0/2")));
        // all traffic in four quarters: world, for a protocol no rule names
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.WORLD, Extent.WORLD),
                extents(rule("all", -1, -1, "0.0.0.0/2"), rule("all", -1, -1, "64.0.0.0/2"),
                        rule("all", -1, -1, "128.0.0.0/2"), rule("all", -1, -1, "192.0.0.0/2")));
    }

    @Test
    void icmpAddsUpForTheSameTypeAndCode() {
        assertEquals(List.of(Extent.WORLD, Extent.WORLD),
                extents(rule("icmp", 8, -1, "0.0.0.0/1"), rule("icmp", 8, 0, "128.0.0.0/1")));
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.WORLD, Extent.WORLD),
                extents(rule("icmp", 8, -1, "0.0.0.0/2"), rule("icmp", 8, 0, "64.0.0.0/2"),
                        rule("icmp", -1, -1, "128.0.0.0/2"), rule("icmp", 8, 0, "192.0.0.0/2")));
        assertEquals(List.of(Extent.WIDE, Extent.WIDE, Extent.WIDE, Extent.WIDE),
                extents(rule("icmp", 8, -1, "0.0.0.0/2"), rule("icmp", 8, 0, "64.0.0.0/2"),
                        rule("icmp", 0, -1, "128.0.0.0/2"), rule("icmp", 8, 0, "192.0.0.0/2")));
    }

    @Test
    void everyPublicBlockButAPrivateHoleIsTheWorld() {
        // 0.0.0.0/0 without 10.0.0.0/8: an insider who leaves out a private range gains nothing
        String[] rest = {"0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3",
                "64.0.0.0/2", "128.0.0.0/1"};
        List<Rule> rules = new ArrayList<>();
        for (String c : rest) {
            rules.add(tcp(22, 22, c));
        }
        assertTrue(Reach.of(rules).stream().allMatch(Reach::isWorld), Reach.of(rules).toString());
        // one public /8 left out (8.0.0.0/8) is not the world
        rules.set(1, tcp(22, 22, "9.0.0.0/8"));
        List<Reach> r = Reach.of(rules);
        assertFalse(r.stream().anyMatch(x -> x.isWorld() && x.why() == Why.TOGETHER), r.toString());
    }

    @Test
    void aPrivateRuleInAWorldChangeStaysNarrow() {
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.NARROW),
                extents(tcp(22, 22, "0.0.0.0/1"), tcp(22, 22, "128.0.0.0/1"), tcp(22, 22, "10.0.0.0/8")));
    }

    @Test
    void aRuleInsideAnotherRulesBlockTakesNoPart() {
        assertEquals(List.of(Extent.WIDE, Extent.NARROW), extents(tcp(22, 22, "8.0.0.0/8"), tcp(22, 22, "8.8.8.0/24")));
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.NARROW),
                extents(tcp(22, 22, "0.0.0.0/1"), tcp(22, 22, "128.0.0.0/1"), tcp(22, 22, "8.8.8.0/24")));
        // inside only for other traffic: where it is not covered, it takes part
        assertEquals(List.of(Extent.WORLD, Extent.WORLD, Extent.WORLD, Extent.WORLD, Extent.WORLD),
                extents(tcp(22, 22, "0.0.0.0/2"), tcp(20, 30, "0.0.0.0/2"), tcp(20, 30, "64.0.0.0/2"),
                        tcp(20, 30, "128.0.0.0/2"), tcp(20, 30, "192.0.0.0/2")));
    }

    @Test
    void manyNarrowBlocksAddingUpToAWideOneAreWide() {
        // 256 public /16s that together make 8.0.0.0/8
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            rules.add(tcp(443, 443, "8." + i + ".0.0/16"));
        }
        assertTrue(Reach.of(rules).stream().allMatch(x -> x.isWide() && x.why() == Why.TOGETHER));
        // 255 of them are not
        List<Reach> fewer = Reach.of(rules.subList(0, 255));
        assertTrue(fewer.stream().allMatch(x -> x.extent() == Extent.NARROW), fewer.toString());
        // two /9s of a public /8
        assertEquals(List.of(Extent.WIDE, Extent.WIDE),
                extents(tcp(22, 22, "8.0.0.0/9"), tcp(22, 22, "8.128.0.0/9")));
        // two /9s of a private /8 are not
        assertEquals(List.of(Extent.NARROW, Extent.NARROW),
                extents(tcp(22, 22, "10.0.0.0/9"), tcp(22, 22, "10.128.0.0/9")));
    }

    @Test
    void aGroupsWorthOfOverlappingRulesIsJudged() {
        // a group holds at most 1,000 rules; every range overlaps every later one, the costliest case
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rules.add(tcp(i, 65535, (i % 200 + 1) + "." + (i / 200) + ".0.0/16"));
        }
        List<Reach> r = Reach.of(rules);
        // at port 999 and above all 1,000 /16s add up to far more than a /8; 10.x and 127.x are not public
        for (int i = 0; i < 1000; i++) {
            boolean reserved = i % 200 + 1 == 10 || i % 200 + 1 == 127;
            assertEquals(reserved ? Extent.NARROW : Extent.WIDE, r.get(i).extent(), rules.get(i).peer().value());
        }
    }

    @Test
    void cidrArithmetic() {
        Cidr half = Cidr.parse("128.0.0.0/1");
        assertEquals(new java.math.BigInteger("2147483648"), half.first());
        assertEquals(new java.math.BigInteger("4294967296"), half.end());
        assertTrue(Cidr.parse("0.0.0.0/0").contains(half));
        assertFalse(half.contains(Cidr.parse("0.0.0.0/0")));
        assertFalse(Cidr.parse("::/0").contains(half), "IPv6 never contains IPv4");
        assertEquals(1, Cidr.union(List.of(Cidr.parse("0.0.0.0/1"), half)).size(), "adjacent halves merge");
        assertEquals(Cidr.parse("0.0.0.0/0").span(), Cidr.union(List.of(Cidr.parse("0.0.0.0/1"), half)).get(0));
        assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.1.2.3/8"), "host bits do not matter");
        assertEquals(null, Cidr.parseOrNull("example.com/8"), "never a name lookup");
        assertEquals(null, Cidr.parseOrNull("10.0.0.0/33"));
    }
}
