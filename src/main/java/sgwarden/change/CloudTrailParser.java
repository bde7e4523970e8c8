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
    /** Where a stored tag change keeps the tags before and after it, and what it switches. */
    public static final String STORED_TAGS = "sgwardenTags";
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
        boolean tags = Tagging.isEvent(eventName);
        boolean list = PrefixListChange.isEvent(eventName);
        if ((!RULE_ADDED.contains(eventName) && !modify && !attach && !tags && !list)
                || text(r, "errorCode") != null) {
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
        if (tags) {
            return tagging(r, eventId, eventName, time, account, region, intake, raw);
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
        if (Attachment.isLaunch(eventName)) {
            return launch(r, request, eventId, eventName, time, account, region, intake, raw);
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
        return orAsStored(r, found, groups, intake, raw);
    }

    /**
     * CreateNetworkInterface / RunInstances: null when the request names no group (the VPC's default
     * group goes on, whose own rule changes are watched). The groups that count are those on the
     * created interfaces, read through the spoke role (a launch template or groups named by name leave
     * the request short of IDs); the request's IDs are only a fallback. A response that names no
     * interface or instance fails closed.
     */
    private SecurityGroupChange launch(JsonNode r, JsonNode request, String eventId, String eventName, Instant time,
            String account, String region, String intake, String raw) {
        JsonNode wrapped = field(request, eventName + "Request");
        if (wrapped != null && wrapped.isObject()) {
            request = wrapped;
        }
        List<String> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> odd = new ArrayList<>();
        namedGroups(request, ids, names, odd);
        JsonNode interfaces = field(request, "networkInterfaceSet");
        for (JsonNode item : listOf(interfaces == null ? field(request, "NetworkInterface") : interfaces)) {
            namedGroups(item, ids, names, odd);
        }
        JsonNode template = field(request, "launchTemplate");
        List<String> stray = new ArrayList<>();
        strayGroupIds(request, ids, stray);
        if (ids.isEmpty() && names.isEmpty() && odd.isEmpty() && template == null && stray.isEmpty()) {
            return null;
        }
        List<String> why = new ArrayList<>();
        if (!names.isEmpty()) {
            why.add("the request names groups by name (" + String.join(", ", names) + ")");
        }
        if (template != null) {
            String lt = text(field(template, "launchTemplateId"));
            why.add("a launch template (" + (lt != null ? lt : text(field(template, "launchTemplateName")))
                    + ") gives the groups");
        }
        if (!odd.isEmpty() || !stray.isEmpty()) {
            why.add("the request names groups in a shape sgwarden does not know");
        }
        boolean launch = Attachment.LAUNCH_EVENT.equals(eventName);
        JsonNode response = field(r, "responseElements");
        JsonNode wrappedResponse = field(response, eventName + "Response");
        if (wrappedResponse != null && wrappedResponse.isObject()) {
            response = wrappedResponse;
        }
        List<String> launched = new ArrayList<>();
        boolean bad = false;
        if (launch) {
            JsonNode instances = field(response, "instancesSet");
            for (JsonNode item : listOf(instances == null ? field(response, "instances") : instances)) {
                String id = text(field(item, "instanceId"));
                bad |= id == null || !id.matches("i-[0-9a-fA-F]{1,32}");
                if (!bad && !launched.contains(id)) {
                    launched.add(id);
                }
            }
        } else {
            String id = text(field(field(response, "networkInterface"), "networkInterfaceId"));
            bad = id == null || !id.matches("eni-[0-9a-fA-F]{1,32}");
            if (!bad) {
                launched.add(id);
            }
        }
        if (bad || launched.isEmpty()) {
            return new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account, region, null,
                    Direction.INGRESS, Actor.of(r), List.of(), intake, raw, Map.of(),
                    Attachment.cannotRead(null, "could not read the group set of " + eventName + ": the response"
                            + " does not name the " + (launch ? "instances launched" : "interface created")));
        }
        Attachment attachment = new Attachment(launch ? null : launched.get(0), null, ids, null, launched,
                why.isEmpty() ? null : String.join("; ", why));
        SecurityGroupChange found = new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account,
                region, ids.isEmpty() ? null : ids.get(0), Direction.INGRESS, Actor.of(r), List.of(), intake, raw,
                Map.of(), attachment);
        return orAsStored(r, found, ids, intake, raw);
    }

    /**
     * The interfaces a RunInstances response lists for each instance launched (instanceId to interface
     * IDs, empty where it lists none): where an instance is gone before it was read, its changes keep
     * the IDs a read would have given them, so that a Lake run reading the record again finds them.
     */
    public Map<String, List<String>> launchedInterfaces(String record) {
        Map<String, List<String>> found = new java.util.LinkedHashMap<>();
        try {
            JsonNode r = json.readTree(record);
            JsonNode response = field(r.has("detail") && r.has("detail-type") ? r.get("detail") : r,
                    "responseElements");
            JsonNode wrapped = field(response, Attachment.LAUNCH_EVENT + "Response");
            JsonNode instances = field(wrapped != null && wrapped.isObject() ? wrapped : response, "instancesSet");
            for (JsonNode item : listOf(instances)) {
                String id = text(field(item, "instanceId"));
                List<String> enis = new ArrayList<>();
                for (JsonNode eni : listOf(field(item, "networkInterfaceSet"))) {
                    String eniId = text(field(eni, "networkInterfaceId"));
                    if (eniId != null && eniId.matches("eni-[0-9a-fA-F]{1,32}")) {
                        enis.add(eniId);
                    }
                }
                if (id != null) {
                    found.put(id, enis);
                }
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // nothing more than the instance IDs to go by
        }
        return found;
    }

    /** Group IDs and names of a groupSet / securityGroupIdSet / SecurityGroupId list, items plain or objects. */
    private static void namedGroups(JsonNode node, List<String> ids, List<String> names, List<String> odd) {
        for (String key : List.of("groupSet", "securityGroupIdSet", "securityGroupId", "securityGroupIds",
                "securityGroupSet", "securityGroup", "securityGroups", "groupId", "groupName")) {
            JsonNode list = field(node, key);
            if (list == null || list.isNull()) {
                continue;
            }
            boolean byName = key.toLowerCase().contains("name") || "securityGroupSet".equals(key)
                    || "securityGroup".equals(key) || "securityGroups".equals(key);
            for (JsonNode item : listOf(list)) {
                String id = item.isTextual() ? item.asText() : text(field(item, "groupId"));
                String name = item.isTextual() ? null : text(field(item, "groupName"));
                if (id != null && id.matches("sg-[0-9a-fA-F]{1,32}")) {
                    if (!ids.contains(id)) {
                        ids.add(id);
                    }
                } else if (item.isTextual() && byName && !item.asText().isBlank()) {
                    names.add(item.asText());
                } else if (name != null && !name.isBlank()) {
                    names.add(name);
                } else {
                    odd.add(String.valueOf(item));
                }
            }
        }
    }

    /** Any sg-… the request holds outside the shapes read above: a shape not known, so not trusted. */
    private static void strayGroupIds(JsonNode node, List<String> known, List<String> stray) {
        if (node == null) {
            return;
        }
        if (node.isTextual() && node.asText().matches("sg-[0-9a-fA-F]{1,32}") && !known.contains(node.asText())) {
            stray.add(node.asText());
        }
        node.forEach(child -> strayGroupIds(child, known, stray));
    }

    /** A CloudTrail list ({"items": [...]}), a bare list, or one item alone; nothing for {} or null. */
    private static List<JsonNode> listOf(JsonNode node) {
        List<JsonNode> list = new ArrayList<>();
        if (node == null || node.isNull()) {
            return list;
        }
        JsonNode items = node.isObject() ? field(node, "items") : node;
        if (items != null && items.isArray()) {
            items.forEach(list::add);
        } else if (node.isObject() && items == null && node.size() > 0) {
            list.add(node);
        } else if (node.isValueNode()) {
            list.add(node);
        }
        return list;
    }

    /**
     * The change as found, or, for a record sgwarden stored (no live intake), one group's attachment
     * with what was read through the spoke role then.
     */
    private SecurityGroupChange orAsStored(JsonNode r, SecurityGroupChange found, List<String> groups, String intake,
            String raw) {
        JsonNode stored = r.get(STORED);
        if (stored == null || "lake".equals(intake) || "sqs".equals(intake)) {
            return found;
        }
        List<Rule> rules = storedRules(stored);
        return SecurityGroupChange.attached(found, text(stored, "changeId"), text(stored, "groupId"), rules,
                new Attachment(text(stored, "interfaceId"), text(stored, "instanceId"), groups), raw);
    }

    /**
     * The record of one group's attachment as sgwarden stores it: the CloudTrail record with what
     * was read through the spoke role, so that Deny, Restore and the messages see the same change.
     */
    public String stored(SecurityGroupChange change) {
        return withStored(change, STORED, read -> {
            read.put("changeId", change.eventId());
            read.put("groupId", change.groupId());
            read.put("interfaceId", change.attachment().interfaceId());
            read.put("instanceId", change.attachment().instanceId());
            putRules(read, change.rules());
        });
    }

    /**
     * CreateTags / DeleteTags: requestParameters.resourcesSet.items[].resourceId and
     * tagSet.items[].{key, value}. Only security groups (sg-…) are kept; null when the call named none.
     * A record whose resources or tags cannot be read is unparseable: nothing is changed or posted. A
     * DeleteTags without tags removes every tag (as EC2 does): its tag list is empty. A record sgwarden
     * stored (no live intake) carries, under {@value #STORED_TAGS}, the group with its tags before and
     * after and what that switched; live records are never read that way.
     */
    private SecurityGroupChange tagging(JsonNode r, String eventId, String eventName, Instant time, String account,
            String region, String intake, String raw) {
        JsonNode request = field(r, "requestParameters");
        if (request == null || !request.isObject()) {
            throw new UnparseableRecordException(eventId, eventName + " without requestParameters", null);
        }
        JsonNode resources = field(field(request, "resourcesSet"), "items");
        if (resources == null || !resources.isArray() || resources.isEmpty()) {
            throw new UnparseableRecordException(eventId, eventName + " names no resourcesSet.items", null);
        }
        List<String> groups = new ArrayList<>();
        for (JsonNode item : resources) {
            String id = text(field(item, "resourceId"));
            if (id == null || id.isBlank()) {
                throw new UnparseableRecordException(eventId, eventName + ": a resource has no resourceId", null);
            }
            if (id.startsWith("sg-")) {
                if (!id.matches("sg-[0-9a-fA-F]{1,32}")) {
                    throw new UnparseableRecordException(eventId, eventName + ": not a group ID: " + id, null);
                }
                if (!groups.contains(id)) {
                    groups.add(id);
                }
            }
        }
        if (groups.isEmpty()) {
            return null;
        }
        JsonNode set = field(request, "tagSet");
        JsonNode items = set == null ? null : field(set, "items");
        boolean delete = Tagging.DELETE_EVENT.equals(eventName);
        boolean none = set == null || set.isNull() || (set.isObject() && set.isEmpty());
        if ((items == null || !items.isArray()) && !(delete && none)) {
            throw new UnparseableRecordException(eventId, eventName + " names no tagSet.items", null);
        }
        List<Tagging.Tag> tags = new ArrayList<>();
        for (JsonNode item : items == null ? MissingNode.getInstance() : items) {
            String key = text(field(item, "key"));
            if (key == null || key.isEmpty()) {
                throw new UnparseableRecordException(eventId, eventName + ": a tag has no key", null);
            }
            tags.add(new Tagging.Tag(key, text(field(item, "value"))));
        }
        if (tags.isEmpty() && !delete) {
            throw new UnparseableRecordException(eventId, eventName + " sets no tags", null);
        }
        SecurityGroupChange found = new SecurityGroupChange(eventId, text(r, "requestID"), eventName, time, account,
                region, groups.get(0), Direction.INGRESS, Actor.of(r), List.of(), intake, raw, Map.of(), null,
                new Tagging(groups, tags));
        JsonNode stored = r.get(STORED_TAGS);
        if (stored == null || "lake".equals(intake) || "sqs".equals(intake)) {
            return found;
        }
        List<String> switches = new ArrayList<>();
        stored.path("switches").forEach(n -> switches.add(n.asText()));
        Tagging tagging = new Tagging(List.of(text(stored, "groupId")), tags, map(stored.path("before")),
                map(stored.path("after")), switches);
        return SecurityGroupChange.tagged(found, text(stored, "changeId"), text(stored, "groupId"), tagging, raw);
    }

    private static Map<String, String> map(JsonNode object) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** The record of one group's tag change as sgwarden stores it, with what it read and what that switches. */
    public String storedTags(SecurityGroupChange change) {
        return withStored(change, STORED_TAGS, read -> {
            read.put("changeId", change.eventId());
            read.put("groupId", change.groupId());
            ObjectNode before = read.putObject("before");
            change.tagging().before().forEach(before::put);
            ObjectNode after = read.putObject("after");
            change.tagging().after().forEach(after::put);
            ArrayNode switches = read.putArray("switches");
            change.tagging().switches().forEach(switches::add);
        });
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
        List<Rule> rules = storedRules(stored);
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
        return withStored(change, STORED_LIST, read -> {
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
            putRules(read, change.rules());
        });
    }

    /** The CloudTrail record with what sgwarden read, under key: the one way a record is stored with more. */
    private String withStored(SecurityGroupChange change, String key, java.util.function.Consumer<ObjectNode> fill) {
        try {
            ObjectNode record = (ObjectNode) json.readTree(change.record());
            fill.accept(record.putObject(key));
            return json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new UnparseableRecordException(change.eventId(), e.toString(), e);
        }
    }

    private static void putRules(ObjectNode read, List<Rule> rules) {
        ArrayNode array = read.putArray("rules");
        for (Rule r : rules) {
            array.addObject().put("ruleId", r.ruleId()).put("protocol", r.protocol()).put("fromPort", r.fromPort())
                    .put("toPort", r.toPort()).put("kind", r.peer().kind().name()).put("peer", r.peer().value())
                    .put("owner", r.peer().ownerAccount()).put("description", r.description());
        }
    }

    private static List<Rule> storedRules(JsonNode stored) {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode rule : stored.path("rules")) {
            rules.add(new Rule(text(rule, "ruleId"), text(rule, "protocol"), integer(rule, "fromPort"),
                    integer(rule, "toPort"), new Peer(Peer.Kind.valueOf(text(rule, "kind")), text(rule, "peer"),
                            text(rule, "owner")),
                    text(rule, "description")));
        }
        return rules;
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
