package sgwarden.plumbing;

import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import sgwarden.change.Actor;
import sgwarden.change.UnparseableRecordException;
import sgwarden.config.Settings;

/**
 * Tells the envelopes about sgwarden's own plumbing apart from security group changes, and reads
 * them. A heartbeat is the Scheduled Event of the member stack's rule sgwarden-heartbeat, forwarded
 * as EventBridge emitted it: its source aws.events cannot be sent with PutEvents, and EventBridge
 * sets account and region to the rule's own, so an account can speak only for itself. A tamper
 * event is a CloudTrail record of an EventBridge or IAM call on one of sgwarden's parts. Anything
 * that looks like either but does not read as one is refused (it ends on the dead-letter queue).
 */
@ApplicationScoped
@Named("plumbingEvents")
public class PlumbingEvents {

    /** The header the intake route branches on. */
    public static final String KIND = "sgwardenEnvelopeKind";
    public static final String HEARTBEAT = "heartbeat";
    public static final String TAMPER = "tamper";
    /** The member stack's scheduled rule; its name is the only one a heartbeat may come from. */
    public static final String HEARTBEAT_RULE = "sgwarden-heartbeat";
    /** Every rule and role of the member stack is named so; the spoke role's name is a setting. */
    public static final String PREFIX = "sgwarden-";

    static final String EVENTS = "events.amazonaws.com";
    static final String IAM = "iam.amazonaws.com";
    public static final Set<String> RULE_CALLS = Set.of("PutRule", "DisableRule", "EnableRule", "DeleteRule",
            "PutTargets",
            "RemoveTargets");
    public static final Set<String> ROLE_CALLS = Set.of("UpdateAssumeRolePolicy", "PutRolePolicy", "DeleteRolePolicy",
            "AttachRolePolicy", "DetachRolePolicy", "UpdateRole", "DeleteRole", "PutRolePermissionsBoundary",
            "DeleteRolePermissionsBoundary");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern NAME = Pattern.compile("[\\w+=,.@/-]{1,256}");

    private final ObjectMapper json;

    @Inject
    Settings settings;

    @Inject
    public PlumbingEvents(ObjectMapper json) {
        this.json = json;
    }

    /** heartbeat, tamper, or null for anything else (a security group change, or what the parser refuses). */
    public String kind(@Body String body) {
        JsonNode root = tree(body);
        if (root == null || !root.isObject() || !root.has("detail-type")) {
            return null;
        }
        String type = root.path("detail-type").asText();
        if ("AWS API Call via CloudTrail".equals(type)) {
            // EventBridge's own calls come with source aws.events too: they are told apart by detail-type
            String source = root.path("detail").path("eventSource").asText();
            return EVENTS.equals(source) || IAM.equals(source) ? TAMPER : null;
        }
        // anything else scheduled or from aws.events must read as a heartbeat, or it is refused
        return "Scheduled Event".equals(type) || "aws.events".equals(root.path("source").asText()) ? HEARTBEAT : null;
    }

    public Heartbeat heartbeat(@Body String body) {
        JsonNode root = tree(body);
        if (root == null || !"aws.events".equals(root.path("source").asText())
                || !"Scheduled Event".equals(root.path("detail-type").asText())) {
            throw refused("not a Scheduled Event from aws.events");
        }
        String account = root.path("account").asText("");
        String region = root.path("region").asText("");
        if (!ACCOUNT.matcher(account).matches() || !REGION.matcher(region).matches()) {
            throw refused("no valid account and region");
        }
        JsonNode resources = root.path("resources");
        // the rule is named in the event by EventBridge: only ours, in the account and region it speaks for
        if (!resources.isArray() || resources.size() != 1 || !resources.get(0).asText("")
                .matches("arn:aws[a-z-]*:events:" + region + ":" + account + ":rule/" + HEARTBEAT_RULE)) {
            throw refused("not from the rule " + HEARTBEAT_RULE + " of " + account + " / " + region);
        }
        Instant time;
        try {
            time = Instant.parse(root.path("time").asText());
        } catch (Exception e) {
            throw refused("no valid time");
        }
        return new Heartbeat(account, region, time);
    }

    /** The tamper event, or null for a call on something that is not sgwarden's (the audit line says so). */
    public TamperEvent tamper(@Body String body) {
        JsonNode root = tree(body);
        if (root == null || !root.isObject()) {
            throw refused("not a JSON object");
        }
        JsonNode r = root.has("detail") && root.has("detail-type") ? root.get("detail") : root;
        String eventId = text(r, "eventID");
        if (eventId == null || eventId.isBlank() || eventId.length() > 256) {
            throw refused("no eventID");
        }
        String source = text(r, "eventSource");
        String name = text(r, "eventName");
        TamperEvent.Part part;
        String partName;
        JsonNode request = r.path("requestParameters");
        if (EVENTS.equals(source) && RULE_CALLS.contains(name)) {
            part = TamperEvent.Part.RULE;
            // PutRule, DisableRule, EnableRule and DeleteRule name it "name"; PutTargets and RemoveTargets "rule"
            partName = text(request, name.endsWith("Targets") ? "rule" : "name");
        } else if (IAM.equals(source) && ROLE_CALLS.contains(name)) {
            part = TamperEvent.Part.ROLE;
            partName = text(request, "roleName");
        } else {
            throw new UnparseableRecordException(eventId, "not a call on sgwarden's rules or role: " + source + " "
                    + name, null);
        }
        if (partName == null || !NAME.matcher(partName).matches()) {
            throw new UnparseableRecordException(eventId, "the " + part.name().toLowerCase() + " is not named", null);
        }
        String account = text(r, "recipientAccountId");
        String region = text(r, "awsRegion");
        if (account == null || !ACCOUNT.matcher(account).matches() || region == null
                || !REGION.matcher(region).matches()) {
            throw new UnparseableRecordException(eventId, "no valid recipientAccountId and awsRegion", null);
        }
        Instant time;
        try {
            time = Instant.parse(text(r, "eventTime"));
        } catch (Exception e) {
            throw new UnparseableRecordException(eventId, "no valid eventTime", e);
        }
        if (!ours(part, partName)) {
            return null;
        }
        try {
            return new TamperEvent(eventId, source, name, time, account, region, part, partName, Actor.of(r),
                    text(r, "errorCode"), r == root ? body : json.writeValueAsString(r));
        } catch (Exception e) {
            throw new UnparseableRecordException(eventId, e.toString(), e);
        }
    }

    /** sgwarden's rules are named sgwarden-*; its roles too, and the spoke role has the name the settings give it. */
    boolean ours(TamperEvent.Part part, String name) {
        String bare = name.substring(name.lastIndexOf('/') + 1);
        return bare.startsWith(PREFIX) || part == TamperEvent.Part.ROLE && bare.equals(settings.revert().roleName());
    }

    private JsonNode tree(String body) {
        try {
            return body == null ? null : json.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static UnparseableRecordException refused(String why) {
        return new UnparseableRecordException(null, "heartbeat refused: " + why, null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

}
