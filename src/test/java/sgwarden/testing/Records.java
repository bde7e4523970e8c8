package sgwarden.testing;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

/**
 * CloudTrail records for rules really created in moto, in the shape CloudTrail writes them
 * (../shared/notes/wire-facts.md): lists wrapped in items, cidrIpv4 in the response's rule set.
 */
public final class Records {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Records() {
    }

    public static String authorize(String eventId, Instant time, String ownerAccount, String callerAccount,
            String region, String groupId, boolean egress, List<SecurityGroupRule> created) {
        ObjectNode r = JSON.createObjectNode();
        r.put("eventVersion", "1.09");
        ObjectNode id = r.putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLE:alice");
        id.put("arn", "arn:aws:sts::" + callerAccount + ":assumed-role/Admin/alice");
        id.put("accountId", callerAccount);
        id.putObject("sessionContext").putObject("sessionIssuer").put("type", "Role").put("userName", "Admin")
                .put("arn", "arn:aws:iam::" + callerAccount + ":role/Admin");
        r.put("eventTime", time.toString());
        r.put("eventSource", "ec2.amazonaws.com");
        r.put("eventName", egress ? "AuthorizeSecurityGroupEgress" : "AuthorizeSecurityGroupIngress");
        r.put("awsRegion", region);
        r.put("sourceIPAddress", "203.0.113.10");
        r.put("userAgent", "aws-cli/2.15.0");
        ObjectNode request = r.putObject("requestParameters");
        request.put("groupId", groupId);
        ArrayNode perms = request.putObject("ipPermissions").putArray("items");
        for (SecurityGroupRule rule : created) {
            ObjectNode p = perms.addObject();
            p.put("ipProtocol", rule.ipProtocol());
            p.put("fromPort", rule.fromPort());
            p.put("toPort", rule.toPort());
            ObjectNode v4 = rule.cidrIpv4() == null ? null : JSON.createObjectNode().put("cidrIp", rule.cidrIpv4());
            if (v4 != null && rule.description() != null) {
                v4.put("description", rule.description());
            }
            wrap(p, "ipRanges", v4);
            wrap(p, "ipv6Ranges",
                    rule.cidrIpv6() == null ? null : JSON.createObjectNode().put("cidrIpv6", rule.cidrIpv6()));
            wrap(p, "prefixListIds", rule.prefixListId() == null ? null
                    : JSON.createObjectNode().put("prefixListId", rule.prefixListId()));
            wrap(p, "groups", rule.referencedGroupInfo() == null ? null
                    : JSON.createObjectNode()
                            .put("groupId", rule.referencedGroupInfo().groupId())
                            .put("userId", rule.referencedGroupInfo().userId()));
        }
        ObjectNode response = r.putObject("responseElements");
        response.put("requestId", UUID.randomUUID().toString());
        response.put("_return", true);
        ArrayNode set = response.putObject("securityGroupRuleSet").putArray("items");
        for (SecurityGroupRule rule : created) {
            ObjectNode s = set.addObject();
            s.put("groupOwnerId", ownerAccount);
            s.put("groupId", groupId);
            s.put("securityGroupRuleId", rule.securityGroupRuleId());
            s.put("isEgress", egress);
            s.put("ipProtocol", rule.ipProtocol());
            s.put("fromPort", rule.fromPort());
            s.put("toPort", rule.toPort());
            if (rule.cidrIpv4() != null) {
                s.put("cidrIpv4", rule.cidrIpv4());
            }
            if (rule.cidrIpv6() != null) {
                s.put("cidrIpv6", rule.cidrIpv6());
            }
            if (rule.prefixListId() != null) {
                s.put("prefixListId", rule.prefixListId());
            }
            if (rule.referencedGroupInfo() != null) {
                s.putObject("referencedGroupInfo").put("groupId", rule.referencedGroupInfo().groupId())
                        .put("userId", rule.referencedGroupInfo().userId());
            }
            if (rule.description() != null) {
                s.put("description", rule.description());
            }
        }
        r.put("requestID", UUID.randomUUID().toString());
        r.put("eventID", eventId);
        r.put("readOnly", false);
        r.put("eventType", "AwsApiCall");
        r.put("managementEvent", true);
        r.put("recipientAccountId", ownerAccount);
        r.put("eventCategory", "Management");
        return r.toString();
    }

    /**
     * A ModifySecurityGroupRules record: PascalCase, SecurityGroupRule one object for one rule and a
     * list for several, the rule's earlier form nowhere in it.
     */
    public static String modify(String eventId, Instant time, String account, String region, String groupId,
            java.util.Map<String, software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest> changes) {
        ObjectNode r = (ObjectNode) readTree(authorize(eventId, time, account, account, region, groupId, false,
                List.of()));
        r.put("eventName", "ModifySecurityGroupRules");
        ObjectNode request = JSON.createObjectNode();
        request.put("GroupId", groupId);
        ArrayNode entries = JSON.createArrayNode();
        int tag = 1;
        for (var e : changes.entrySet()) {
            ObjectNode entry = entries.addObject();
            entry.put("SecurityGroupRuleId", e.getKey());
            entry.put("tag", tag++);
            var rule = e.getValue();
            ObjectNode form = entry.putObject("SecurityGroupRule");
            form.put("IpProtocol", rule.ipProtocol());
            form.put("FromPort", rule.fromPort());
            form.put("ToPort", rule.toPort());
            if (rule.cidrIpv4() != null) {
                form.put("CidrIpv4", rule.cidrIpv4());
            }
            if (rule.cidrIpv6() != null) {
                form.put("CidrIpv6", rule.cidrIpv6());
            }
            if (rule.prefixListId() != null) {
                form.put("PrefixListId", rule.prefixListId());
            }
            if (rule.referencedGroupId() != null) {
                form.put("ReferencedGroupId", rule.referencedGroupId());
            }
            if (rule.description() != null) {
                form.put("Description", rule.description());
            }
        }
        request.set("SecurityGroupRule", entries.size() == 1 ? entries.get(0) : entries);
        r.putObject("requestParameters").set("ModifySecurityGroupRulesRequest", request);
        ObjectNode response = r.putObject("responseElements").putObject("ModifySecurityGroupRulesResponse");
        response.put("requestId", r.path("requestID").asText());
        response.put("return", true);
        return r.toString();
    }

    /**
     * A ModifyNetworkInterfaceAttribute (target eni-…) or ModifyInstanceAttribute (target i-…) record
     * that sets a group set: requestParameters name the target and the whole new set as
     * groupSet.items[].groupId; the response is {requestId, _return}.
     */
    public static String attach(String eventId, Instant time, String account, String region, String target,
            List<String> groups) {
        ObjectNode r = (ObjectNode) readTree(authorize(eventId, time, account, account, region, "sg-0", false,
                List.of()));
        boolean eni = target.startsWith("eni-");
        r.put("eventName", eni ? "ModifyNetworkInterfaceAttribute" : "ModifyInstanceAttribute");
        ObjectNode request = r.putObject("requestParameters");
        request.put(eni ? "networkInterfaceId" : "instanceId", target);
        ArrayNode items = request.putObject("groupSet").putArray("items");
        groups.forEach(g -> items.addObject().put("groupId", g));
        ObjectNode response = r.putObject("responseElements");
        response.put("requestId", r.path("requestID").asText());
        response.put("_return", true);
        return r.toString();
    }

    /**
     * A RunInstances record as CloudTrail writes it: the request as given (groupSet, networkInterfaceSet,
     * launchTemplate… in CloudTrail's {"items": [...]} form), the response's instancesSet naming each
     * instance launched with its interfaces and groups.
     */
    public static String runInstances(String eventId, Instant time, String account, String region,
            String requestParameters, List<software.amazon.awssdk.services.ec2.model.Instance> launched) {
        ObjectNode r = launchRecord(eventId, time, account, region, "RunInstances", requestParameters);
        ObjectNode response = r.putObject("responseElements");
        response.put("requestId", r.path("requestID").asText());
        response.put("reservationId", "r-0a1b2c3d4e5f60718");
        response.put("ownerId", account);
        response.putObject("groupSet");
        ArrayNode items = response.putObject("instancesSet").putArray("items");
        for (var instance : launched) {
            ObjectNode item = items.addObject();
            item.put("instanceId", instance.instanceId());
            item.putObject("instanceState").put("code", 0).put("name", "pending");
            ArrayNode enis = item.putObject("networkInterfaceSet").putArray("items");
            for (var eni : instance.networkInterfaces()) {
                ObjectNode e = enis.addObject().put("networkInterfaceId", eni.networkInterfaceId());
                ArrayNode groups = e.putObject("groupSet").putArray("items");
                eni.groups()
                        .forEach(g -> groups.addObject().put("groupId", g.groupId()).put("groupName", g.groupName()));
            }
        }
        return r.toString();
    }

    /** A CreateNetworkInterface record: the request as given, the response naming the interface created. */
    public static String createNetworkInterface(String eventId, Instant time, String account, String region,
            String requestParameters, software.amazon.awssdk.services.ec2.model.NetworkInterface created) {
        ObjectNode r = launchRecord(eventId, time, account, region, "CreateNetworkInterface", requestParameters);
        ObjectNode response = r.putObject("responseElements");
        response.put("requestId", r.path("requestID").asText());
        ObjectNode eni = response.putObject("networkInterface");
        eni.put("networkInterfaceId", created.networkInterfaceId());
        eni.put("subnetId", created.subnetId());
        eni.put("vpcId", created.vpcId());
        ArrayNode groups = eni.putObject("groupSet").putArray("items");
        created.groups().forEach(g -> groups.addObject().put("groupId", g.groupId()).put("groupName", g.groupName()));
        return r.toString();
    }

    private static ObjectNode launchRecord(String eventId, Instant time, String account, String region,
            String eventName, String requestParameters) {
        ObjectNode r = (ObjectNode) readTree(authorize(eventId, time, account, account, region, "sg-0", false,
                List.of()));
        r.put("eventName", eventName);
        r.set("requestParameters", readTree(requestParameters));
        return r;
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The same record as made by another caller: userIdentity.type and arn, and the userAgent (null
     * arn for an AWS service, which CloudTrail records with invokedBy instead).
     */
    public static String calledBy(String record, String identityType, String arn, String userAgent) {
        try {
            ObjectNode r = (ObjectNode) JSON.readTree(record);
            ObjectNode id = r.putObject("userIdentity");
            id.put("type", identityType);
            if (arn != null) {
                id.put("arn", arn);
                id.put("accountId", arn.split(":")[4]);
                id.put("principalId", "AROAEXAMPLE:" + arn.substring(arn.lastIndexOf('/') + 1));
            } else {
                id.put("invokedBy", userAgent);
            }
            r.put("userAgent", userAgent);
            return r.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The EventBridge envelope a central bus rule delivers to SQS, with the record under detail. */
    public static String envelope(String record, String account, String region) {
        try {
            ObjectNode e = JSON.createObjectNode();
            e.put("version", "0");
            e.put("id", UUID.randomUUID().toString());
            e.put("detail-type", "AWS API Call via CloudTrail");
            e.put("source", "aws.ec2");
            e.put("account", account);
            e.put("time", Instant.now().toString());
            e.put("region", region);
            e.putArray("resources");
            e.set("detail", JSON.readTree(record));
            return e.toString();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The EventBridge envelope of a CloudTrail record of a call on sgwarden's own parts: an EventBridge
     * rule (source aws.events, PutRule, DisableRule, DeleteRule, PutTargets, RemoveTargets) or an IAM
     * role (source aws.iam, recorded in us-east-1 whatever the region the caller chose).
     */
    public static String plumbingCall(String eventId, String eventName, String account, String region, String part,
            String callerArn, String errorCode) {
        boolean iam = !eventName.endsWith("Rule") && !eventName.endsWith("Targets")
                || eventName.endsWith("RolePolicy");
        ObjectNode r = JSON.createObjectNode();
        r.put("eventVersion", "1.09");
        ObjectNode id = r.putObject("userIdentity");
        id.put("type", "AssumedRole");
        id.put("principalId", "AROAEXAMPLE:" + callerArn.substring(callerArn.lastIndexOf('/') + 1));
        id.put("arn", callerArn);
        id.put("accountId", account);
        r.put("eventTime", Instant.now().toString());
        r.put("eventSource", iam ? "iam.amazonaws.com" : "events.amazonaws.com");
        r.put("eventName", eventName);
        r.put("awsRegion", iam ? "us-east-1" : region);
        r.put("sourceIPAddress", "203.0.113.66");
        r.put("userAgent", "aws-cli/2.15.0");
        ObjectNode request = r.putObject("requestParameters");
        if (iam) {
            request.put("roleName", part);
            if (eventName.endsWith("RolePolicy")) {
                request.put("policyName", "revert-security-group-changes");
            }
        } else if (eventName.endsWith("Targets")) {
            request.put("rule", part);
            request.putArray("ids").add("sgwarden-central-bus");
        } else {
            request.put("name", part);
        }
        if (errorCode != null) {
            r.put("errorCode", errorCode);
            r.put("errorMessage", "explicit deny in a service control policy");
        }
        r.putNull("responseElements");
        r.put("requestID", UUID.randomUUID().toString());
        r.put("eventID", eventId);
        r.put("readOnly", false);
        r.put("eventType", "AwsApiCall");
        r.put("managementEvent", true);
        r.put("recipientAccountId", account);
        r.put("eventCategory", "Management");
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "0");
        e.put("id", UUID.randomUUID().toString());
        e.put("detail-type", "AWS API Call via CloudTrail");
        e.put("source", iam ? "aws.iam" : "aws.events");
        e.put("account", account);
        e.put("time", Instant.now().toString());
        e.put("region", iam ? "us-east-1" : region);
        e.putArray("resources");
        e.set("detail", r);
        return e.toString();
    }

    /** The Scheduled Event of the member stack's rule sgwarden-heartbeat, as EventBridge forwards it. */
    public static String heartbeat(String account, String region, Instant time) {
        return heartbeat(account, region, time,
                "arn:aws:events:" + region + ":" + account + ":rule/sgwarden-heartbeat");
    }

    public static String heartbeat(String account, String region, Instant time, String ruleArn) {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "0");
        e.put("id", UUID.randomUUID().toString());
        e.put("detail-type", "Scheduled Event");
        e.put("source", "aws.events");
        e.put("account", account);
        e.put("time", time.toString());
        e.put("region", region);
        e.putArray("resources").add(ruleArn);
        e.putObject("detail");
        return e.toString();
    }

    private static void wrap(ObjectNode parent, String name, ObjectNode item) {
        ObjectNode wrapper = parent.putObject(name);
        if (item != null) {
            wrapper.putArray("items").add(item);
        }
    }
}
