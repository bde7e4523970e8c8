package sgwarden.testing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.IpPermission;

/** An instance in moto, groups to put on its interface, and the records such attachments leave. */
public final class Interfaces {

    private Interfaces() {
    }

    /** A running instance in its own VPC, its primary interface, and the one group it started with. */
    public record Host(String account, String region, String vpcId, String subnetId, String instanceId,
            String interfaceId, String baseGroup) {
        /** The same VPC, with an interface of its own that no instance uses (moto adds an instance's groups to its interfaces'). */
        public Host unattached(Moto moto) {
            try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
                String eni = ec2.createNetworkInterface(b -> b.subnetId(subnetId).groups(baseGroup)).networkInterface()
                        .networkInterfaceId();
                return new Host(account, region, vpcId, subnetId, null, eni, baseGroup);
            }
        }
    }

    /** An attachment really made in moto, and its record. */
    public record Attached(String eventId, Host host, List<String> groups, String record) {
        /** The change sgwarden makes of one group in it. */
        public String changeId(String groupId) {
            return eventId + "#" + groupId;
        }
    }

    /** A group named "base" with no inbound rule (it opens nothing) on the instance. */
    public static Host launch(Moto moto, String account, String region) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            String vpc = ec2.createVpc(b -> b.cidrBlock("10.0.0.0/16")).vpc().vpcId();
            String subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
            String base = ec2.createSecurityGroup(b -> b.groupName("base").description("base").vpcId(vpc)).groupId();
            String image = ec2.describeImages().images().get(0).imageId();
            Instance instance = ec2.runInstances(b -> b.imageId(image).minCount(1).maxCount(1)
                    .subnetId(subnet).securityGroupIds(base)).instances().get(0);
            String eni = instance.networkInterfaces().get(0).networkInterfaceId();
            return new Host(account, region, vpc, subnet, instance.instanceId(), eni, base);
        }
    }

    /** A group in the host's VPC with these inbound rules. */
    public static String group(Moto moto, Host host, String name, IpPermission... inbound) {
        try (Ec2Client ec2 = Aws.ec2In(moto, host.account(), host.region())) {
            String id = ec2.createSecurityGroup(b -> b.groupName(name).description(name).vpcId(host.vpcId()))
                    .groupId();
            if (inbound.length > 0) {
                ec2.authorizeSecurityGroupIngress(b -> b.groupId(id).ipPermissions(inbound));
            }
            return id;
        }
    }

    /** An insider sets the interface's groups (ModifyNetworkInterfaceAttribute), with the record it leaves. */
    public static Attached setGroups(Moto moto, Host host, List<String> groups) {
        try (Ec2Client ec2 = Aws.ec2In(moto, host.account(), host.region())) {
            ec2.modifyNetworkInterfaceAttribute(b -> b.networkInterfaceId(host.interfaceId()).groups(groups));
        }
        String eventId = UUID.randomUUID().toString();
        return new Attached(eventId, host, groups, Records.attach(eventId, Instant.now().minusSeconds(30),
                host.account(), host.region(), host.interfaceId(), groups));
    }

    /** The same through the instance (ModifyInstanceAttribute): its primary interface gets the set. */
    public static Attached setInstanceGroups(Moto moto, Host host, List<String> groups) {
        try (Ec2Client ec2 = Aws.ec2In(moto, host.account(), host.region())) {
            // AWS sets the primary interface's groups; moto 5.1.22 keeps an instance's groups apart and shows
            // them on each of its interfaces besides their own, so the fixture sets the interface, as AWS does
            ec2.modifyNetworkInterfaceAttribute(b -> b.networkInterfaceId(host.interfaceId()).groups(groups));
        }
        String eventId = UUID.randomUUID().toString();
        return new Attached(eventId, host, groups, Records.attach(eventId, Instant.now().minusSeconds(30),
                host.account(), host.region(), host.instanceId(), groups));
    }

    /**
     * Instances launched in the host's subnet with these groups on their primary interface (given in the
     * interface's own set: moto keeps an instance-level set apart from its interfaces' and never takes a
     * group off it).
     */
    public static List<Instance> launchInstances(Moto moto, Host host, int count, List<String> groups) {
        try (Ec2Client ec2 = Aws.ec2In(moto, host.account(), host.region())) {
            String image = ec2.describeImages().images().get(0).imageId();
            return ec2.runInstances(b -> b.imageId(image).minCount(count).maxCount(count)
                    .networkInterfaces(n -> n.deviceIndex(0).subnetId(host.subnetId()).groups(groups))).instances();
        }
    }

    /** A new interface in the host's subnet with these groups. */
    public static software.amazon.awssdk.services.ec2.model.NetworkInterface createInterface(Moto moto, Host host,
            List<String> groups) {
        try (Ec2Client ec2 = Aws.ec2In(moto, host.account(), host.region())) {
            return ec2.createNetworkInterface(b -> b.subnetId(host.subnetId()).groups(groups)).networkInterface();
        }
    }

    /** An interface's groups as moto holds them now (in no particular order). */
    public static java.util.Set<String> groupsOn(Moto moto, Host host, String interfaceId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, host.account(), host.region())) {
            return ec2.describeNetworkInterfaces(b -> b.networkInterfaceIds(interfaceId)).networkInterfaces()
                    .get(0).groups().stream().map(GroupIdentifier::groupId)
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    /** The interface's groups as moto holds them now (in no particular order). */
    public static java.util.Set<String> groupsOn(Moto moto, Host host) {
        try (Ec2Client ec2 = Aws.ec2In(moto, host.account(), host.region())) {
            return ec2.describeNetworkInterfaces(b -> b.networkInterfaceIds(host.interfaceId())).networkInterfaces()
                    .get(0).groups().stream().map(GroupIdentifier::groupId)
                    .collect(java.util.stream.Collectors.toSet());
        }
    }
}
