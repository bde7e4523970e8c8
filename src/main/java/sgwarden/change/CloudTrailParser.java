package sgwarden.change;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns a CloudTrail record (bare, as the Lake's eventJson column holds it, or inside an
 * EventBridge envelope's detail) into a {@link SecurityGroupChange}.
 * Returns null for a record to skip on purpose: a failed call, or an event that neither adds nor
 * modifies rules.
 */
@ApplicationScoped
@Named("cloudTrailParser")
public class CloudTrailParser {

    /** Where a stored attachment record keeps what sgwarden read through the spoke role. */
    public static final String STORED = "sgwardenAttachment";
    /** Where a stored prefix list record keeps what sgwarden read through the spoke role. */
    public static final String STORED_LIST = "sgwardenPrefixList";
    static final Set<String> RULE_ADDED = Set.of("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress");
    private final ObjectMapper json;

    @Inject
    public CloudTrailParser(ObjectMapper json) {
        this.json = json;
    }

    public SecurityGroupChange parse(String json, String intake) {
        JsonNode root;
        try {
            root = this.json.readTree(json);
        } catch (Exception e) {
            throw new UnparseableRecordException(null, "not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new UnparseableRecordException(null, "not a JSON object", null);
        }
        JsonNode record = root.has("detail") && root.has("detail-type") ? root.get("detail") : root;
        String eventId = text(record, "eventID");
        try {
            return read(record, eventId, intake, record == root ? json : this.json.writeValueAsString(record));
        } catch (UnparseableRecordException e) {
            throw e;
        } catch (RuntimeException | JsonProcessingException e) {
            throw new UnparseableRecordException(eventId, e.toString(), e);
        }
    }

    private SecurityGroupChange read(JsonNode r, String eventId, String intake, String raw) {
        if (eventId == null || eventId.isBlank()) {
            throw new UnparseableRecordException(null, "no eventID", null);
        }
        String eventName = text(r, "eventName");
        if (eventName == null) {
            throw new UnparseableRecordException(eventId, "no eventName", null);
        }
        boolean modify = SecurityGroupChange.MODIFY.equals(eventName);
        boolean attach = Attachment.isEvent(eventName);
        boolean list = PrefixListChange.isEvent(eventName);
        if ((!RULE_ADDED.contains(eventName) && !modify && !attach && !list) || text(r, "errorCode") != null) {
            return null;
        }
        String account = text(r, "recipientAccountId");
        if (account == null || !account.matches("\\d{12}")) {
            throw new UnparseableRecordException(eventId, "no valid recipientAccountId", null);
        }
        String region = text(r, "awsRegion");
        if (region == null || !region.matches("[a-z0-9-]+")) {
            throw new UnparseableRecordException(eventId, "no valid awsRegion", null);
        }
        Instant time;
        try {
            time = Instant.parse(text(r, "eventTime"));
        } catch (Exception e) {
            throw new UnparseableRecordException(eventId, "no valid eventTime", e);
        }
        if (modify) {
            return modification(r, eventId, eventName, time, account, region, intake, raw);
        }
        if (attach) {
            return attachment(r, eventId, eventName, time, account, region, intake, raw);
        }
        if (list) {
            return prefixList(r, eventId, eventName, time, account, region, intake, raw);
        }
        JsonNode request = r.path("requestParameters");
        JsonNode ruleSet = items(r.path("responseElements").path("securityGroupRuleSet"));
        List<Rule> rules = ruleSet.isEmpty() ? rulesFromRequest(request) : rulesFromResponse(ruleSet);
        if (rules.isEmpty()) {
            throw new UnparseableRecordException(eventId, "no rules in the record", null);
        }
        String groupId = text(request, "groupId");
        if (groupId == null && !ruleSet.isEmpty()) {
            groupId = text(ruleSet.get(0), "groupId");
        }
        if (groupId == null) {
            throw new UnparseableRecordException(eventId, "no groupId", null);
        }
        return new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account, region, groupId,
                Direction.ofEventName(eventName), Actor.of(r), List.copyOf(rules), intake, raw);
    }

    /**
     * ModifySecurityGroupRules: PascalCase keys under requestParameters.ModifySecurityGroupRulesRequest,
     * SecurityGroupRule one object or a list. Direction is not in the record; the ledger may know it.
     */
    private SecurityGroupChange modification(JsonNode r, String eventId, String eventName, Instant time,
            String account, String region, String intake, String raw) {
        JsonNode response = field(field(r, "responseElements"), "ModifySecurityGroupRulesResponse");
        JsonNode returned = field(response, "return");
        if (returned != null && !returned.isContainerNode() && "false".equalsIgnoreCase(returned.asText())) {
            return null;
        }
        JsonNode request = field(field(r, "requestParameters"), "ModifySecurityGroupRulesRequest");
        if (request == null || !request.isObject()) {
            throw new UnparseableRecordException(eventId, "no ModifySecurityGroupRulesRequest", null);
        }
        String groupId = text(field(request, "GroupId"));
        if (groupId == null || groupId.isBlank()) {
            throw new UnparseableRecordException(eventId, "no GroupId", null);
        }
        JsonNode entries = field(request, "SecurityGroupRule");
        if (entries != null && entries.isObject() && entries.path("items").isArray()) {
            entries = entries.get("items");
        }
        List<JsonNode> list = new ArrayList<>();
        if (entries != null && entries.isObject()) {
            list.add(entries);
        } else if (entries != null && entries.isArray()) {
            entries.forEach(list::add);
        }
        if (list.isEmpty()) {
            throw new UnparseableRecordException(eventId, "no SecurityGroupRule in the request", null);
        }
        List<Rule> rules = new ArrayList<>();
        for (JsonNode entry : list) {
            String ruleId = text(field(entry, "SecurityGroupRuleId"));
            if (ruleId == null || ruleId.isBlank()) {
                throw new UnparseableRecordException(eventId, "a SecurityGroupRule has no SecurityGroupRuleId", null);
            }
            JsonNode form = field(entry, "SecurityGroupRule");
            if (form == null || !form.isObject()) {
                throw new UnparseableRecordException(eventId, "rule " + ruleId + " has no new form", null);
            }
            Peer peer;
            if (text(field(form, "CidrIpv4")) != null) {
                peer = new Peer(Peer.Kind.IPV4_CIDR, text(field(form, "CidrIpv4")), null);
            } else if (text(field(form, "CidrIpv6")) != null) {
                peer = new Peer(Peer.Kind.IPV6_CIDR, text(field(form, "CidrIpv6")), null);
            } else if (text(field(form, "PrefixListId")) != null) {
                peer = new Peer(Peer.Kind.PREFIX_LIST, text(field(form, "PrefixListId")), null);
            } else if (text(field(form, "ReferencedGroupId")) != null) {
                peer = new Peer(Peer.Kind.SECURITY_GROUP, text(field(form, "ReferencedGroupId")), null);
            } else {
                throw new UnparseableRecordException(eventId, "rule " + ruleId + " has no peer", null);
            }
            rules.add(new Rule(ruleId, protocol(text(field(form, "IpProtocol"))), integer(field(form, "FromPort")),
                    integer(field(form, "ToPort")), peer, text(field(form, "Description"))));
        }
        return new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account, region, groupId,
                Direction.INGRESS, Actor.of(r), List.copyOf(rules), intake, raw);
    }

    /**
     * ModifyNetworkInterfaceAttribute / ModifyInstanceAttribute: null when the call set another
     * attribute (no group set named). A group set it names but that cannot be read fails closed: the
     * change says why ({@link Attachment#unreadable()}), and a person is told, never skipped. As the live intakes read it, the change
     * names the interface or instance and the whole new set; the attachment routes read the rest
     * through the spoke role. A record sgwarden stored (no live intake) carries what was read, under
     * {@value #STORED}: live records are never read that way, so a caller cannot write it in.
     */
    private SecurityGroupChange attachment(JsonNode r, String eventId, String eventName, Instant time,
            String account, String region, String intake, String raw) {
        JsonNode returned = field(field(r, "responseElements"), "_return");
        if (returned != null && !returned.isContainerNode() && "false".equalsIgnoreCase(returned.asText())) {
            return null;
        }
        JsonNode request = field(r, "requestParameters");
        if (request == null || !request.isObject()) {
            return new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account, region, null,
                    Direction.INGRESS, Actor.of(r), List.of(), intake, raw, Map.of(),
                    Attachment.cannotRead(null, "could not read the request of " + eventName));
        }
        boolean onInterface = Attachment.INTERFACE_EVENT.equals(eventName);
        String target = text(field(request, onInterface ? "networkInterfaceId" : "instanceId"));
        JsonNode set = field(request, "groupSet");
        if (set == null) {
            set = field(request, "GroupId");
        }
        if (set == null && !"groupSet".equalsIgnoreCase(text(field(request, "attribute")))) {
            // another attribute (source/destination check, instance type, …): no groups change
            return null;
        }
        String why = null;
        List<String> groups = new ArrayList<>();
        JsonNode items = set == null ? null : set.isObject() ? field(set, "items") : set;
        if (items == null || !items.isArray() || items.isEmpty()) {
            why = "the request names a group set, but no groups in a shape sgwarden knows";
        } else {
            for (JsonNode item : items) {
                String id = item.isTextual() ? item.asText() : text(field(item, "groupId"));
                if (id == null || !id.matches("sg-[0-9a-fA-F]{1,32}")) {
                    why = "an item of the group set names no group ID";
                    break;
                }
                if (!groups.contains(id)) {
                    groups.add(id);
                }
            }
        }
        if (why == null && (target == null
                || !target.matches(onInterface ? "eni-[0-9a-fA-F]{1,32}" : "i-[0-9a-fA-F]{1,32}"))) {
            why = "the record does not say which " + (onInterface ? "network interface" : "instance") + " changed";
        }
        if (why != null) {
            String shown = target != null && target.matches("(eni|i)-[0-9a-fA-F]{1,32}") ? target : null;
            return new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account, region, null,
                    Direction.INGRESS, Actor.of(r), List.of(), intake, raw, Map.of(),
                    Attachment.cannotRead(shown, "could not read the group set of " + eventName + ": " + why));
        }
        Attachment attachment = new Attachment(onInterface ? target : null, onInterface ? null : target, groups);
        SecurityGroupChange found = new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account,
                region, groups.get(0), Direction.INGRESS, Actor.of(r), List.of(), intake, raw, Map.of(), attachment);
        JsonNode stored = r.get(STORED);
        if (stored == null || "lake".equals(intake) || "sqs".equals(intake)) {
            return found;
        }
        List<Rule> rules = new ArrayList<>();
        for (JsonNode rule : stored.path("rules")) {
            rules.add(new Rule(text(rule, "ruleId"), text(rule, "protocol"), integer(rule, "fromPort"),
                    integer(rule, "toPort"), new Peer(Peer.Kind.valueOf(text(rule, "kind")), text(rule, "peer"),
                            text(rule, "owner")),
                    text(rule, "description")));
        }
        return SecurityGroupChange.attached(found, text(stored, "changeId"), text(stored, "groupId"), rules,
                new Attachment(text(stored, "interfaceId"), text(stored, "instanceId"), groups), raw);
    }

    /**
     * The record of one group's attachment as sgwarden stores it: the CloudTrail record with what
     * was read through the spoke role, so that Deny, Restore and the messages see the same change.
     */
    public String stored(SecurityGroupChange change) {
        try {
            ObjectNode record = (ObjectNode) json.readTree(change.record());
            ObjectNode read = record.putObject(STORED);
            read.put("changeId", change.eventId());
            read.put("groupId", change.groupId());
            read.put("interfaceId", change.attachment().interfaceId());
            read.put("instanceId", change.attachment().instanceId());
            ArrayNode rules = read.putArray("rules");
            for (Rule r : change.rules()) {
                ObjectNode rule = rules.addObject();
                rule.put("ruleId", r.ruleId());
                rule.put("protocol", r.protocol());
                rule.put("fromPort", r.fromPort());
                rule.put("toPort", r.toPort());
                rule.put("kind", r.peer().kind().name());
                rule.put("peer", r.peer().value());
                rule.put("owner", r.peer().ownerAccount());
                rule.put("description", r.description());
            }
            return json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new UnparseableRecordException(change.eventId(), e.toString(), e);
        }
    }

    /**
     * ModifyManagedPrefixList / RestoreManagedPrefixListVersion. The list and the version the caller
     * saw (CurrentVersion, optional in the call) are under a "…Request" wrapper with capitalized keys,
     * or plain lower-case keys; the response may name the list and a version too. The call made
     * CurrentVersion + 1. Without CurrentVersion, the response's version is the one the call started
     * from while the list is "…-in-progress" (as AWS's own example shows it), else the new one; with
     * neither, the prefix list routes take the list's version now. Entries are never read from the
     * record (their shape is not documented): the routes read them at both versions through the spoke
     * role. A list the record does not name fails closed: a person is told why. A record sgwarden
     * stored (no live intake) carries what was read, under {@value #STORED_LIST}.
     */
    private SecurityGroupChange prefixList(JsonNode r, String eventId, String eventName, Instant time,
            String account, String region, String intake, String raw) {
        JsonNode request = field(r, "requestParameters");
        JsonNode wrapped = field(request, eventName + "Request");
        if (wrapped != null && wrapped.isObject()) {
            request = wrapped;
        }
        JsonNode response = field(r, "responseElements");
        JsonNode wrappedResponse = field(response, eventName + "Response");
        if (wrappedResponse != null && wrappedResponse.isObject()) {
            response = wrappedResponse;
        }
        JsonNode listed = field(response, "prefixList");
        String listId = text(field(request, "PrefixListId"));
        String answered = text(field(listed, "PrefixListId"));
        PrefixListChange named;
        if (listId == null) {
            listId = answered;
        }
        String shown = listId != null && listId.matches("pl-[0-9a-fA-F]{1,32}") ? listId : null;
        if (shown == null) {
            named = PrefixListChange.cannotRead(null, "could not read which prefix list " + eventName
                    + " changed: the record names no prefix list ID");
        } else if (answered != null && !answered.equals(listId)) {
            named = PrefixListChange.cannotRead(shown, "the request of " + eventName + " names " + listId
                    + " and its response " + answered);
        } else {
            try {
                Integer seen = version(field(request, "CurrentVersion"));
                Integer made = version(field(listed, "Version"));
                String state = text(field(listed, "State"));
                if (seen == null && made != null) {
                    boolean inProgress = state != null && state.endsWith("in-progress");
                    seen = inProgress ? made : made - 1;
                }
                named = PrefixListChange.named(listId, seen, seen == null ? null : seen + 1);
            } catch (IllegalArgumentException e) {
                named = PrefixListChange.cannotRead(shown, "could not read the versions of " + listId + " in "
                        + eventName + ": " + e.getMessage());
            }
        }
        SecurityGroupChange found = new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account,
                region, shown, Direction.INGRESS, Actor.of(r), List.of(), intake, raw, Map.of(), null, named);
        JsonNode stored = r.get(STORED_LIST);
        if (stored == null || named.unreadable() != null || "lake".equals(intake) || "sqs".equals(intake)) {
            return found;
        }
        List<Rule> rules = new ArrayList<>();
        for (JsonNode rule : stored.path("rules")) {
            rules.add(new Rule(text(rule, "ruleId"), text(rule, "protocol"), integer(rule, "fromPort"),
                    integer(rule, "toPort"), new Peer(Peer.Kind.valueOf(text(rule, "kind")), text(rule, "peer"),
                            text(rule, "owner")),
                    text(rule, "description")));
        }
        PrefixListChange read = named.read(text(stored, "listName"), integer(stored, "seenVersion"),
                integer(stored, "version"), entries(stored.path("added")), entries(stored.path("removed")),
                List.of());
        PrefixListChange.Use use = new PrefixListChange.Use(text(stored, "groupId"), text(stored, "groupAccount"),
                Direction.valueOf(text(stored, "direction")), List.of());
        return SecurityGroupChange.prefixListUsed(found.withPrefixList(read), text(stored, "changeId"), use, rules,
                raw);
    }

    /**
     * The record of one group's share of a prefix list change as sgwarden stores it: the CloudTrail
     * record with what was read through the spoke role, so that Deny, Restore and the messages see the
     * same change.
     */
    public String storedPrefixList(SecurityGroupChange change) {
        try {
            ObjectNode record = (ObjectNode) json.readTree(change.record());
            ObjectNode read = record.putObject(STORED_LIST);
            PrefixListChange list = change.prefixList();
            read.put("changeId", change.eventId());
            read.put("groupId", change.groupId());
            read.put("groupAccount", list.groupAccount());
            read.put("direction", change.direction().name());
            read.put("listName", list.listName());
            read.put("seenVersion", list.seenVersion());
            read.put("version", list.version());
            for (String kind : List.of("added", "removed")) {
                ArrayNode entries = read.putArray(kind);
                for (PrefixListChange.Entry e : "added".equals(kind) ? list.added() : list.removed()) {
                    entries.addObject().put("cidr", e.cidr()).put("description", e.description());
                }
            }
            ArrayNode rules = read.putArray("rules");
            for (Rule r : change.rules()) {
                ObjectNode rule = rules.addObject();
                rule.put("ruleId", r.ruleId());
                rule.put("protocol", r.protocol());
                rule.put("fromPort", r.fromPort());
                rule.put("toPort", r.toPort());
                rule.put("kind", r.peer().kind().name());
                rule.put("peer", r.peer().value());
                rule.put("owner", r.peer().ownerAccount());
                rule.put("description", r.description());
            }
            return json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new UnparseableRecordException(change.eventId(), e.toString(), e);
        }
    }

    private static List<PrefixListChange.Entry> entries(JsonNode stored) {
        List<PrefixListChange.Entry> entries = new ArrayList<>();
        for (JsonNode e : stored) {
            entries.add(new PrefixListChange.Entry(text(e, "cidr"), text(e, "description")));
        }
        return entries;
    }

    /** A list version: a positive whole number, as a number or a string; null when absent. */
    private static Integer version(JsonNode v) {
        String raw = text(v);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (!raw.trim().matches("\\d{1,9}") || Integer.parseInt(raw.trim()) < 1) {
            throw new IllegalArgumentException("'" + raw + "' is not a version");
        }
        return Integer.valueOf(raw.trim());
    }

    /** A field by its name, or failing that by the name in any case (Lake output's case is unverified). */
    private static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (var it = node.fieldNames(); it.hasNext();) {
            String candidate = it.next();
            if (candidate.equalsIgnoreCase(name)) {
                return node.get(candidate);
            }
        }
        return null;
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static Integer integer(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isNumber() ? v.intValue() : Integer.valueOf(v.asText());
    }

    private static List<Rule> rulesFromResponse(JsonNode ruleSet) {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode item : ruleSet) {
            Peer peer;
            JsonNode ref = item.path("referencedGroupInfo");
            if (text(item, "cidrIpv4") != null) {
                peer = new Peer(Peer.Kind.IPV4_CIDR, text(item, "cidrIpv4"), null);
            } else if (text(item, "cidrIpv6") != null) {
                peer = new Peer(Peer.Kind.IPV6_CIDR, text(item, "cidrIpv6"), null);
            } else if (text(item, "prefixListId") != null) {
                peer = new Peer(Peer.Kind.PREFIX_LIST, text(item, "prefixListId"), null);
            } else if (text(ref, "groupId") != null) {
                peer = new Peer(Peer.Kind.SECURITY_GROUP, text(ref, "groupId"), text(ref, "userId"));
            } else {
                throw new IllegalArgumentException("rule " + text(item, "securityGroupRuleId") + " has no peer");
            }
            rules.add(new Rule(text(item, "securityGroupRuleId"), protocol(text(item, "ipProtocol")),
                    integer(item, "fromPort"), integer(item, "toPort"), peer, text(item, "description")));
        }
        return rules;
    }

    /** Older records carry no rule set; the rules are then those the request asked for, without IDs. */
    private static List<Rule> rulesFromRequest(JsonNode request) {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode perm : items(request.path("ipPermissions"))) {
            String protocol = protocol(text(perm, "ipProtocol"));
            Integer from = integer(perm, "fromPort");
            Integer to = integer(perm, "toPort");
            for (JsonNode p : items(perm.path("ipRanges"))) {
                rules.add(new Rule(null, protocol, from, to, new Peer(Peer.Kind.IPV4_CIDR, text(p, "cidrIp"), null),
                        text(p, "description")));
            }
            for (JsonNode p : items(perm.path("ipv6Ranges"))) {
                rules.add(new Rule(null, protocol, from, to, new Peer(Peer.Kind.IPV6_CIDR, text(p, "cidrIpv6"), null),
                        text(p, "description")));
            }
            for (JsonNode p : items(perm.path("prefixListIds"))) {
                rules.add(new Rule(null, protocol, from, to,
                        new Peer(Peer.Kind.PREFIX_LIST, text(p, "prefixListId"), null), text(p, "description")));
            }
            for (JsonNode p : items(perm.path("groups"))) {
                rules.add(new Rule(null, protocol, from, to,
                        new Peer(Peer.Kind.SECURITY_GROUP, text(p, "groupId"), text(p, "userId")),
                        text(p, "description")));
            }
        }
        return rules;
    }

    /** CloudTrail wraps lists as {"items": [...]} and writes an empty list as {}. */
    private static JsonNode items(JsonNode wrapper) {
        JsonNode items = wrapper.path("items");
        return items.isArray() ? items : MissingNode.getInstance();
    }

    public static String protocol(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("rule has no ipProtocol");
        }
        return switch (raw.toLowerCase()) {
            case "-1", "all" -> "all";
            case "6", "tcp" -> "tcp";
            case "17", "udp" -> "udp";
            case "1", "icmp" -> "icmp";
            case "58", "icmpv6" -> "icmpv6";
            default -> {
                if (!raw.matches("\\d{1,3}")) {
                    throw new IllegalArgumentException("unknown ipProtocol " + raw);
                }
                yield raw;
            }
        };
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            return v.intValue();
        }
        return Integer.valueOf(v.asText());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }
}
