package sgwarden.testing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/** A member account in moto where a person opens a security group, as the tests' scenarios need. */
public final class Accounts {

    public static final String MEMBER = "111111111111";
    /** Another member account, whose people may change groups owned by MEMBER. */
    public static final String CALLER = "222222222222";
    public static final String REGION = "eu-west-1";
    /** The security account, where sgwarden runs behind its own load balancer. */
    public static final String SECURITY = "333333333333";

    private Accounts() {
    }

    /** A change really made in moto, and the CloudTrail record it would leave. */
    public record Change(String eventId, String groupId, String account, String region, boolean egress,
            List<SecurityGroupRule> rules, String record) {
    }

    public static String newGroup(Moto moto, String account, String region) {
        return newGroup(moto, account, region, "sg-" + UUID.randomUUID());
    }

    /** A group of this name, in a VPC of its own (so that the name is free there). */
    public static String newGroup(Moto moto, String account, String region, String name) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            String vpc = ec2.createVpc(b -> b.cidrBlock("10.0.0.0/16")).vpc().vpcId();
            return ec2.createSecurityGroup(b -> b.groupName(name).description("test").vpcId(vpc)).groupId();
        }
    }

    public static Change authorize(Moto moto, String account, String region, String groupId, boolean egress,
            IpPermission... permissions) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            List<String> before = ruleIds(ec2, groupId);
            if (egress) {
                ec2.authorizeSecurityGroupEgress(b -> b.groupId(groupId).ipPermissions(permissions));
            } else {
                ec2.authorizeSecurityGroupIngress(b -> b.groupId(groupId).ipPermissions(permissions));
            }
            // moto's response lists only some of the rules a multi-permission call creates; the group itself is exact
            List<SecurityGroupRule> rules = ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id")
                    .values(groupId))).securityGroupRules().stream()
                    .filter(r -> !before.contains(r.securityGroupRuleId())).toList();
            String eventId = UUID.randomUUID().toString();
            String record = Records.authorize(eventId, Instant.now().minusSeconds(60), account, account, region,
                    groupId, egress, rules);
            return new Change(eventId, groupId, account, region, egress, rules, record);
        }
    }

    /**
     * Rules changed in place in moto by ModifySecurityGroupRules, and the record CloudTrail would
     * leave. moto 5.1.22 applies protocol, ports, IPv4 CIDR and description only.
     */
    public static Change modify(Moto moto, String account, String region, String groupId,
            java.util.Map<String, software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest> changes) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            ec2.modifySecurityGroupRules(b -> b.groupId(groupId).securityGroupRules(changes.entrySet().stream()
                    .map(e -> software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate.builder()
                            .securityGroupRuleId(e.getKey()).securityGroupRule(e.getValue()).build())
                    .toList()));
            String eventId = UUID.randomUUID().toString();
            String record = Records.modify(eventId, Instant.now().minusSeconds(30), account, region, groupId, changes);
            return new Change(eventId, groupId, account, region, false, List.of(), record);
        }
    }

    /** The new form of a tcp rule: one port, an IPv4 peer. */
    public static software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest tcpForm(int port, String cidr,
            String description) {
        return software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest.builder().ipProtocol("tcp")
                .fromPort(port).toPort(port).cidrIpv4(cidr).description(description).build();
    }

    /** One rule as moto holds it now, or null when it is gone. */
    public static SecurityGroupRule rule(Moto moto, String account, String region, String groupId, String ruleId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(groupId)))
                    .securityGroupRules().stream().filter(r -> r.securityGroupRuleId().equals(ruleId)).findFirst()
                    .orElse(null);
        }
    }

    /** The change most scenarios start from: a new group in the member account opened to the world on 22/tcp. */
    public static Change openSsh(Moto moto) {
        String group = newGroup(moto, MEMBER, REGION);
        return authorize(moto, MEMBER, REGION, group, false, tcp(22, "0.0.0.0/0"));
    }

    /** The IDs of the rules the change's group holds now. */
    public static List<String> rulesNow(Moto moto, Change change) {
        return ruleIds(moto, change.account(), change.region(), change.groupId());
    }

    public static IpPermission tcp(int port, String cidr) {
        return IpPermission.builder().ipProtocol("tcp").fromPort(port).toPort(port)
                .ipRanges(r -> r.cidrIp(cidr)).build();
    }

    public static IpPermission udp(int port, String cidr) {
        return IpPermission.builder().ipProtocol("udp").fromPort(port).toPort(port)
                .ipRanges(r -> r.cidrIp(cidr)).build();
    }

    public static IpPermission tcpV6(int port, String cidr) {
        return IpPermission.builder().ipProtocol("tcp").fromPort(port).toPort(port)
                .ipv6Ranges(r -> r.cidrIpv6(cidr)).build();
    }

    /** The IDs of the rules the group holds now, as moto reports them. */
    public static List<String> ruleIds(Moto moto, String account, String region, String groupId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            return ruleIds(ec2, groupId);
        }
    }

    private static List<String> ruleIds(Ec2Client ec2, String groupId) {
        return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(groupId)))
                .securityGroupRules().stream().map(SecurityGroupRule::securityGroupRuleId).toList();
    }
}
