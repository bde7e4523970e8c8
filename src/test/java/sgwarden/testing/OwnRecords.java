package sgwarden.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest;

/**
 * The CloudTrail record AWS would write for an EC2 call sgwarden made through the spoke role, built
 * from what moto received: the call's parameters, and the session name of the AssumeRole before it
 * (the principal CloudTrail names is that role's session: assumed-role/&lt;role name&gt;/&lt;session&gt;).
 */
public final class OwnRecords {

    /** The sessions sgwarden opens to read (names, tags), not to write. */
    private static final Set<String> READ_SESSIONS = Set.of("sgwarden-names", "sgwarden-lake");
    /** The spoke role's name in the tests (application.properties' default). */
    public static final String SPOKE_ROLE = "sgwarden-spoke";

    private OwnRecords() {
    }

    /** A write as moto received it, with the session that made it, and its record. */
    public record Write(String eventId, String principalArn, String sessionName, String groupId, String record) {
        /** The same call recorded once more, as an insider replaying it would leave it: another event ID. */
        public Write replayed() {
            String id = UUID.randomUUID().toString();
            return new Write(id, principalArn, sessionName, groupId, record.replace(eventId, id));
        }
    }

    /** The last call of this action (ModifySecurityGroupRules, AuthorizeSecurityGroupIngress/Egress) in moto's recording. */
    public static Write last(Moto moto, String action, String account, String region) {
        Call call = lastCall(moto, action, account);
        String groupId = call.params().get("GroupId");
        String eventId = UUID.randomUUID().toString();
        String record;
        if ("ModifySecurityGroupRules".equals(action)) {
            record = Records.modify(eventId, Instant.now(), account, region, groupId, modified(call.params()));
        } else {
            boolean egress = action.endsWith("Egress");
            record = Records.authorize(eventId, Instant.now(), account, account, region, groupId, egress,
                    created(moto, account, region, groupId, egress, call.params()));
        }
        return call.write(eventId, groupId, record);
    }

    /**
     * The last ModifyNetworkInterfaceAttribute sgwarden made (Deny taking a group off, Restore putting
     * it back), as the record AWS would write: the interface and the whole new set, by the spoke role's
     * session.
     */
    public static Write lastInterfaceGroups(Moto moto, String account, String region) {
        Call call = lastCall(moto, "ModifyNetworkInterfaceAttribute", account);
        List<String> groups = new ArrayList<>();
        for (int n = 1; call.params().containsKey("SecurityGroupId." + n); n++) {
            groups.add(call.params().get("SecurityGroupId." + n));
        }
        String eventId = UUID.randomUUID().toString();
        String eni = call.params().get("NetworkInterfaceId");
        return call.write(eventId, eni, Records.attach(eventId, Instant.now(), account, region, eni, groups));
    }

    /**
     * The last CreateTags or DeleteTags sgwarden made (Deny or Restore of a tag change), as the record
     * AWS would write: ResourceId.N and Tag.N.Key / Tag.N.Value of the call, by the spoke role's session.
     */
    public static Write lastTags(Moto moto, String action, String account, String region) {
        Call call = lastCall(moto, action, account);
        List<String> resources = new ArrayList<>();
        for (int n = 1; call.params().containsKey("ResourceId." + n); n++) {
            resources.add(call.params().get("ResourceId." + n));
        }
        List<TagRecords.Tag> tags = new ArrayList<>();
        for (int n = 1; call.params().containsKey("Tag." + n + ".Key"); n++) {
            tags.add(new TagRecords.Tag(call.params().get("Tag." + n + ".Key"),
                    call.params().get("Tag." + n + ".Value")));
        }
        String eventId = UUID.randomUUID().toString();
        return call.write(eventId, resources.get(0),
                TagRecords.record(eventId, action, account, region, resources, tags));
    }

    /**
     * The last ModifyManagedPrefixList sgwarden made (Deny putting the earlier entries back, Restore
     * the change again), as the record AWS would write: the list and the version sgwarden saw, by the
     * spoke role's session.
     */
    public static Write lastPrefixList(Moto moto, String account, String region) {
        Call call = lastCall(moto, "ModifyManagedPrefixList", account);
        String listId = call.params().get("PrefixListId");
        String eventId = UUID.randomUUID().toString();
        return call.write(eventId, listId, PrefixLists.modifyRecord(eventId, Instant.now(), account, region, listId,
                Integer.valueOf(call.params().get("CurrentVersion")), null, PrefixLists.Shape.WRAPPED));
    }

    /** A call moto received, and the spoke role's session that made it. */
    private record Call(Map<String, String> params, String principal, String session) {
        Write write(String eventId, String target, String record) {
            return new Write(eventId, principal, session, target,
                    Records.calledBy(record, "AssumedRole", principal, "aws-sdk-java/2 sgwarden"));
        }
    }

    private static Call lastCall(Moto moto, String action, String account) {
        List<Map<String, String>> calls = moto.recordedRequests();
        int at = -1;
        for (int i = 0; i < calls.size(); i++) {
            if (action.equals(calls.get(i).get("Action"))) {
                at = i;
            }
        }
        if (at < 0) {
            throw new IllegalStateException("moto received no " + action);
        }
        for (int i = at - 1; i >= 0; i--) {
            Map<String, String> c = calls.get(i);
            // sgwarden's: the spoke role (the tests' own hands use the Admin role), in a session that writes
            if ("AssumeRole".equals(c.get("Action")) && !READ_SESSIONS.contains(c.get("RoleSessionName"))
                    && c.get("RoleArn").startsWith("arn:aws:iam::" + account + ":role")
                    && c.get("RoleArn").endsWith("/" + SPOKE_ROLE)) {
                String roleArn = c.get("RoleArn");
                String session = c.get("RoleSessionName");
                // the principal CloudTrail names: assumed-role/<role name>/<session>
                String principal = "arn:aws:sts::" + account + ":assumed-role/"
                        + roleArn.substring(roleArn.lastIndexOf('/') + 1) + "/" + session;
                return new Call(calls.get(at), principal, session);
            }
        }
        throw new IllegalStateException("no AssumeRole into " + account + " before the " + action);
    }

    /** SecurityGroupRule.N.SecurityGroupRuleId and SecurityGroupRule.N.SecurityGroupRule.* of the query request. */
    private static Map<String, SecurityGroupRuleRequest> modified(Map<String, String> call) {
        Map<String, SecurityGroupRuleRequest> rules = new LinkedHashMap<>();
        for (int n = 1; call.containsKey("SecurityGroupRule." + n + ".SecurityGroupRuleId"); n++) {
            String p = "SecurityGroupRule." + n + ".SecurityGroupRule.";
            rules.put(call.get("SecurityGroupRule." + n + ".SecurityGroupRuleId"), SecurityGroupRuleRequest.builder()
                    .ipProtocol(call.get(p + "IpProtocol"))
                    .fromPort(integer(call.get(p + "FromPort"))).toPort(integer(call.get(p + "ToPort")))
                    .cidrIpv4(call.get(p + "CidrIpv4")).cidrIpv6(call.get(p + "CidrIpv6"))
                    .prefixListId(call.get(p + "PrefixListId")).referencedGroupId(call.get(p + "ReferencedGroupId"))
                    .description(call.get(p + "Description")).build());
        }
        if (rules.isEmpty()) {
            throw new IllegalStateException("no SecurityGroupRule in " + call);
        }
        return rules;
    }

    /** The rules the authorize created, as the group now holds them (IPv4 permissions, as the tests make). */
    private static List<SecurityGroupRule> created(Moto moto, String account, String region, String groupId,
            boolean egress, Map<String, String> call) {
        List<SecurityGroupRule> now;
        try (var ec2 = Aws.ec2In(moto, account, region)) {
            now = ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(groupId)))
                    .securityGroupRules();
        }
        List<SecurityGroupRule> created = new ArrayList<>();
        for (int n = 1; call.containsKey("IpPermissions." + n + ".IpProtocol"); n++) {
            String p = "IpPermissions." + n + ".";
            for (int m = 1; call.containsKey(p + "IpRanges." + m + ".CidrIp"); m++) {
                String protocol = call.get(p + "IpProtocol");
                Integer from = integer(call.get(p + "FromPort"));
                String cidr = call.get(p + "IpRanges." + m + ".CidrIp");
                now.stream().filter(r -> r.isEgress() == egress && protocol.equals(r.ipProtocol())
                        && java.util.Objects.equals(from, r.fromPort()) && cidr.equals(r.cidrIpv4()))
                        .forEach(created::add);
            }
        }
        if (created.isEmpty()) {
            throw new IllegalStateException("the rules of " + call + " are not in " + groupId);
        }
        return created;
    }

    private static Integer integer(String value) {
        return value == null ? null : Integer.valueOf(value);
    }
}
