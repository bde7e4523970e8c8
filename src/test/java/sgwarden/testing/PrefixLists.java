package sgwarden.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AddPrefixListEntry;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.PrefixListId;
import software.amazon.awssdk.services.ec2.model.RemovePrefixListEntry;

/**
 * Managed prefix lists in moto, groups whose rules name them, changes made as a person would, and the
 * CloudTrail records such changes leave, in each shape sgwarden must read (a "…Request" wrapper with
 * capitalized keys, or plain lower-case keys; CurrentVersion optional).
 */
public final class PrefixLists {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PrefixLists() {
    }

    /** How the record writes the request: wrapped and capitalized, or plain lower-case keys. */
    public enum Shape {
        WRAPPED,
        PLAIN
    }

    /** A list change really made in moto: the list, the version the caller saw and the one it made. */
    public record Changed(String listId, String account, String region, int seen, int made) {
    }

    /** A list of these CIDRs in the account (version 1). */
    public static String create(Moto moto, String account, String region, String name, String... cidrs) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            return ec2.createManagedPrefixList(b -> b.prefixListName(name).addressFamily("IPv4").maxEntries(20)
                    .entries(java.util.Arrays.stream(cidrs)
                            .map(c -> AddPrefixListEntry.builder().cidr(c).description("corp " + c).build())
                            .toList()))
                    .prefixList().prefixListId();
        }
    }

    /** A group in its own VPC of the account, with an inbound rule from the list on this TCP port. */
    public static String groupUsing(Moto moto, String account, String region, String name, String listId,
            int port) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            String vpc = ec2.createVpc(b -> b.cidrBlock("10.0.0.0/16")).vpc().vpcId();
            String id = ec2.createSecurityGroup(b -> b.groupName(name).description(name).vpcId(vpc)).groupId();
            ec2.authorizeSecurityGroupIngress(b -> b.groupId(id).ipPermissions(IpPermission.builder()
                    .ipProtocol("tcp").fromPort(port).toPort(port)
                    .prefixListIds(PrefixListId.builder().prefixListId(listId).build()).build()));
            return id;
        }
    }

    /** The rule ID of the group's inbound rule from the list. */
    public static String ruleId(Moto moto, String account, String region, String groupId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(groupId)))
                    .securityGroupRules().stream().filter(r -> r.prefixListId() != null).findFirst().orElseThrow()
                    .securityGroupRuleId();
        }
    }

    /** A person's ModifyManagedPrefixList at the version the list is at (the list's name kept). */
    public static Changed modify(Moto moto, String account, String region, String listId, List<String> add,
            List<String> remove) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            var list = ec2.describeManagedPrefixLists(b -> b.prefixListIds(listId)).prefixLists().get(0);
            long seen = list.version();
            ec2.modifyManagedPrefixList(b -> {
                b.prefixListId(listId).currentVersion(seen).prefixListName(list.prefixListName());
                if (!add.isEmpty()) {
                    b.addEntries(add.stream().map(c -> AddPrefixListEntry.builder().cidr(c).build()).toList());
                }
                if (!remove.isEmpty()) {
                    b.removeEntries(remove.stream().map(c -> RemovePrefixListEntry.builder().cidr(c).build())
                            .toList());
                }
            });
            return new Changed(listId, account, region, (int) seen, version(moto, account, region, listId));
        }
    }

    public static int version(Moto moto, String account, String region, String listId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            return ec2.describeManagedPrefixLists(b -> b.prefixListIds(listId)).prefixLists().get(0).version()
                    .intValue();
        }
    }

    /** The list's CIDRs as they are now. */
    public static Set<String> entries(Moto moto, String account, String region, String listId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            Set<String> cidrs = new TreeSet<>();
            ec2.getManagedPrefixListEntries(b -> b.prefixListId(listId)).entries().forEach(e -> cidrs.add(e.cidr()));
            return cidrs;
        }
    }

    /**
     * The ModifyManagedPrefixList record. currentVersion null: the caller gave none. The request also
     * carries entries in a made-up shape that does not match what the list holds: sgwarden must not
     * believe them. The response names the list and, while in progress, the version the call started
     * from.
     */
    public static String modifyRecord(String eventId, Instant time, String account, String region, String listId,
            Integer currentVersion, Integer responseVersion, Shape shape) {
        return record(eventId, time, account, region, "ModifyManagedPrefixList", listId, currentVersion, null,
                responseVersion, shape);
    }

    /** The RestoreManagedPrefixListVersion record: PreviousVersion is the version put back, as a new one. */
    public static String restoreRecord(String eventId, Instant time, String account, String region, String listId,
            int previousVersion, int currentVersion) {
        return record(eventId, time, account, region, "RestoreManagedPrefixListVersion", listId, currentVersion,
                previousVersion, currentVersion, Shape.WRAPPED);
    }

    private static String record(String eventId, Instant time, String account, String region, String eventName,
            String listId, Integer currentVersion, Integer previousVersion, Integer responseVersion, Shape shape) {
        try {
            ObjectNode r = (ObjectNode) JSON.readTree(Records.attach(eventId, time, account, region, "eni-0",
                    List.of("sg-0")));
            r.put("eventName", eventName);
            boolean wrapped = shape == Shape.WRAPPED;
            ObjectNode params = r.putObject("requestParameters");
            ObjectNode request = wrapped ? params.putObject(eventName + "Request") : params;
            request.put(wrapped ? "PrefixListId" : "prefixListId", listId);
            if (currentVersion != null) {
                request.put(wrapped ? "CurrentVersion" : "currentVersion", currentVersion);
            }
            if (previousVersion != null) {
                request.put(wrapped ? "PreviousVersion" : "previousVersion", previousVersion);
            }
            if ("ModifyManagedPrefixList".equals(eventName)) {
                // not what the list holds: the entries are read from the list, never from here
                request.putObject(wrapped ? "AddEntry" : "addEntry").put(wrapped ? "Cidr" : "cidr", "10.99.0.0/16");
            }
            ObjectNode responses = r.putObject("responseElements");
            ObjectNode response = wrapped ? responses.putObject(eventName + "Response") : responses;
            ObjectNode list = response.putObject("prefixList");
            list.put("prefixListId", listId);
            if (responseVersion != null) {
                list.put("version", responseVersion);
            }
            list.put("state", "ModifyManagedPrefixList".equals(eventName) ? "modify-in-progress"
                    : "restore-in-progress");
            return r.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh event ID. */
    public static String eventId() {
        return UUID.randomUUID().toString();
    }

    /** The CIDRs of a set, for assertions. */
    public static Set<String> cidrs(String... cidrs) {
        return new TreeSet<>(new ArrayList<>(List.of(cidrs)));
    }
}
