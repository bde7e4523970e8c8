package sgwarden.revert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.ec2.model.IpPermission;

import sgwarden.change.Peer;
import sgwarden.change.Rule;

/** Restore puts a rule back as the record describes it: protocol, ports, peer of each kind, description. */
class RuleReapplierTest {

    @Test
    void aTcpRuleToACidrKeepsItsPortsAndDescription() {
        IpPermission p = RuleReapplier.permission(new Rule("sgr-1", "tcp", 22, 22,
                new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null), "ssh"));
        assertEquals("tcp", p.ipProtocol());
        assertEquals(22, p.fromPort());
        assertEquals(22, p.toPort());
        assertEquals("0.0.0.0/0", p.ipRanges().get(0).cidrIp());
        assertEquals("ssh", p.ipRanges().get(0).description());
    }

    @Test
    void allTrafficIsProtocolMinusOneWithoutPorts() {
        IpPermission p = RuleReapplier.permission(new Rule("sgr-2", "all", -1, -1,
                new Peer(Peer.Kind.IPV6_CIDR, "::/0", null), null));
        assertEquals("-1", p.ipProtocol());
        assertNull(p.fromPort());
        assertEquals("::/0", p.ipv6Ranges().get(0).cidrIpv6());
        assertNull(p.ipv6Ranges().get(0).description());
    }

    @Test
    void icmpKeepsTypeAndCode() {
        IpPermission p = RuleReapplier.permission(new Rule("sgr-3", "icmp", 8, 0,
                new Peer(Peer.Kind.IPV4_CIDR, "10.0.0.0/8", null), ""));
        assertEquals("icmp", p.ipProtocol());
        assertEquals(8, p.fromPort());
        assertEquals(0, p.toPort());
        assertNull(p.ipRanges().get(0).description(), "an empty description is not sent");
    }

    @Test
    void prefixListsAndGroupsOfOtherAccountsAreKept() {
        IpPermission pl = RuleReapplier.permission(new Rule("sgr-4", "udp", 53, 53,
                new Peer(Peer.Kind.PREFIX_LIST, "pl-0123456789abcdef0", null), "dns"));
        assertEquals("pl-0123456789abcdef0", pl.prefixListIds().get(0).prefixListId());
        assertEquals("dns", pl.prefixListIds().get(0).description());
        IpPermission group = RuleReapplier.permission(new Rule("sgr-5", "tcp", 5432, 5432,
                new Peer(Peer.Kind.SECURITY_GROUP, "sg-0abc", "333333333333"), "app"));
        assertEquals("sg-0abc", group.userIdGroupPairs().get(0).groupId());
        assertEquals("333333333333", group.userIdGroupPairs().get(0).userId());
        assertTrue(group.ipRanges().isEmpty());
    }
}
