package sgwarden.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Peer;
import sgwarden.change.Rule;

/**
 * A group's rules as EC2 has them now (DescribeSecurityGroupRules), read through whatever client
 * the caller holds: the spoke role's, in the group's account and region.
 */
public final class GroupRules {

    private GroupRules() {
    }

    /** The rules as they are now, by ID; a rule that is gone is simply not there. */
    public static Map<String, SecurityGroupRule> byId(Ec2Client ec2, String groupId, List<String> ruleIds) {
        Map<String, SecurityGroupRule> rules = new LinkedHashMap<>();
        // filters rather than SecurityGroupRuleIds: one rule gone would fail the whole call
        ec2.describeSecurityGroupRulesPaginator(b -> b.filters(
                Filter.builder().name("group-id").values(groupId).build(),
                Filter.builder().name("security-group-rule-id").values(ruleIds).build()))
                .securityGroupRules().forEach(r -> rules.put(r.securityGroupRuleId(), r));
        return rules;
    }

    /** The group's inbound rules; a rule whose peer cannot be told fails the read rather than being left out. */
    public static List<Rule> ingress(Ec2Client ec2, String groupId) {
        List<Rule> rules = new ArrayList<>();
        for (SecurityGroupRule r : ec2.describeSecurityGroupRulesPaginator(
                b -> b.filters(f -> f.name("group-id").values(groupId))).securityGroupRules()) {
            if (Boolean.TRUE.equals(r.isEgress()) || !groupId.equals(r.groupId())) {
                continue;
            }
            if (peer(r) == null) {
                throw new IllegalStateException("rule " + r.securityGroupRuleId() + " of " + groupId + " has no peer");
            }
            rules.add(rule(r));
        }
        return rules;
    }

    /** The rule in sgwarden's terms; a peer EC2 did not name is shown as unknown. */
    public static Rule rule(SecurityGroupRule r) {
        Peer peer = peer(r);
        return new Rule(r.securityGroupRuleId(), CloudTrailParser.protocol(r.ipProtocol()), r.fromPort(), r.toPort(),
                peer == null ? new Peer(Peer.Kind.IPV4_CIDR, "(unknown peer)", null) : peer, r.description());
    }

    private static Peer peer(SecurityGroupRule r) {
        if (r.cidrIpv4() != null) {
            return new Peer(Peer.Kind.IPV4_CIDR, r.cidrIpv4(), null);
        } else if (r.cidrIpv6() != null) {
            return new Peer(Peer.Kind.IPV6_CIDR, r.cidrIpv6(), null);
        } else if (r.prefixListId() != null) {
            return new Peer(Peer.Kind.PREFIX_LIST, r.prefixListId(), null);
        } else if (r.referencedGroupInfo() != null) {
            return new Peer(Peer.Kind.SECURITY_GROUP, r.referencedGroupInfo().groupId(),
                    r.referencedGroupInfo().userId());
        }
        return null;
    }
}
