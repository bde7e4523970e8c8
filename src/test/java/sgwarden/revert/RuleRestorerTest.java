package sgwarden.revert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate;

import sgwarden.change.Peer;
import sgwarden.change.Rule;

/**
 * The ModifySecurityGroupRules entries that put rules back. moto 5.1.22 applies IPv4 CIDR
 * modifications only (IPv6, prefix lists and group references are a TODO in its code), so those
 * peers are checked here, at the request level.
 */
class RuleRestorerTest {

    static SecurityGroupRuleRequest request(String ruleId, Rule form) {
        SecurityGroupRuleUpdate update = RuleRestorer.update(ruleId, form);
        assertEquals(ruleId, update.securityGroupRuleId());
        return update.securityGroupRule();
    }

    @Test
    void ipv6() {
        SecurityGroupRuleRequest r = request("sgr-1", new Rule("sgr-1", "tcp", 443, 443,
                new Peer(Peer.Kind.IPV6_CIDR, "2001:db8::/32", null), "web"));
        assertEquals("tcp", r.ipProtocol());
        assertEquals(443, r.fromPort());
        assertEquals(443, r.toPort());
        assertEquals("2001:db8::/32", r.cidrIpv6());
        assertNull(r.cidrIpv4());
        assertEquals("web", r.description());
    }

    @Test
    void prefixList() {
        SecurityGroupRuleRequest r = request("sgr-2", new Rule("sgr-2", "udp", 53, 53,
                new Peer(Peer.Kind.PREFIX_LIST, "pl-0123456789abcdef0", null), null));
        assertEquals("pl-0123456789abcdef0", r.prefixListId());
        assertNull(r.cidrIpv4());
        assertEquals("", r.description(), "a description added later is cleared");
    }

    @Test
    void groupReference() {
        SecurityGroupRuleRequest r = request("sgr-3", new Rule("sgr-3", "tcp", 5432, 5432,
                new Peer(Peer.Kind.SECURITY_GROUP, "sg-0fedcba9876543210", "222222222222"), null));
        assertEquals("sg-0fedcba9876543210", r.referencedGroupId());
        assertNull(r.cidrIpv4());
    }

    @Test
    void allTrafficAndMissingPortsAreSentAsMinusOne() {
        SecurityGroupRuleRequest all = request("sgr-4", new Rule("sgr-4", "all", null, null,
                new Peer(Peer.Kind.IPV4_CIDR, "10.0.0.0/8", null), null));
        assertEquals("-1", all.ipProtocol());
        assertEquals(-1, all.fromPort());
        assertEquals(-1, all.toPort());
        assertEquals("10.0.0.0/8", all.cidrIpv4());
    }
}
