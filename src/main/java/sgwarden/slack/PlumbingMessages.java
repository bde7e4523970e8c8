package sgwarden.slack;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;

import com.slack.api.model.Message;

import sgwarden.config.Settings;
import sgwarden.plumbing.PlumbingEvents;
import sgwarden.plumbing.TamperEvent;
import sgwarden.store.PlumbingRecords;

/**
 * The messages about sgwarden's own plumbing: a tamper alert (who did what to which part, where,
 * and what it may mean), with one button, Acknowledge; an account and region gone silent; and its
 * heartbeat back.
 */
@ApplicationScoped
@Named("plumbingMessages")
public class PlumbingMessages {

    public static final String ACKNOWLEDGE = "sgwarden_acknowledge";
    static final String BLOCK = "sgwarden_tamper";

    @Inject
    Settings settings;
    @Inject
    PlumbingEvents events;

    public Message tamper(@Body TamperEvent event) {
        List<Map<String, Object>> blocks = blocks(event);
        blocks.add(Map.of("type", "actions", "block_id", BLOCK, "elements",
                List.of(Buttons.button(ACKNOWLEDGE, "Acknowledge", event.eventId(), "primary", null))));
        return SlackMessages.message(headline(event), blocks);
    }

    /** The alert, now saying who acknowledged it, in place of the clicked message. */
    public Message acknowledged(@Body PlumbingRecords.Acknowledged ack) {
        TamperEvent event = events.tamper(ack.record());
        List<Map<String, Object>> blocks = blocks(event);
        String line = ":white_check_mark: Acknowledged by @" + Mrkdwn.escape(ack.byName(), 100) + " at "
                + SlackMessages.at(ack.at());
        blocks.add(section(line));
        return SlackMessages.message(headline(event) + " — acknowledged by @" + ack.byName(), blocks);
    }

    static String headline(TamperEvent e) {
        return "Tamper alert: " + e.actor().name() + (e.refused() ? " tried to " + infinitive(e) : " " + past(e))
                + " " + part(e) + " in " + e.account() + " / " + e.region();
    }

    private List<Map<String, Object>> blocks(TamperEvent e) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        StringBuilder text = new StringBuilder(":rotating_light: *Tamper alert: sgwarden's own plumbing was ")
                .append(e.refused() ? "attacked" : "changed").append("*\n*")
                .append(Mrkdwn.escape(e.actor().name(), 200)).append("* (")
                .append(Mrkdwn.escape(String.valueOf(e.actor().identityType()), 50)).append(") ")
                .append(e.refused() ? "tried to " + infinitive(e) : past(e)).append(" *")
                .append(Mrkdwn.escape(part(e), 300)).append("* in *").append(e.account()).append(" / ")
                .append(e.region()).append("* at ").append(SlackMessages.at(e.eventTime()));
        if (e.refused()) {
            text.append("\nRefused by AWS (").append(Mrkdwn.escape(e.error(), 100))
                    .append("): nothing changed, but someone is trying.");
        } else {
            text.append("\n").append(meaning(e));
        }
        if (e.actor().principalArn() != null && e.actor().principalArn().contains("/stacksets-exec-")) {
            text.append(
                    "\nMade through the StackSets execution role: expected during an update of the member StackSet.");
        }
        blocks.add(section(text.toString()));
        blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text",
                "`" + e.eventName() + "` · principal " + Mrkdwn.escape(String.valueOf(e.actor().principalArn()), 300)
                        + " · from " + Mrkdwn.escape(String.valueOf(e.actor().sourceIp()), 60) + " · event `"
                        + Mrkdwn.code(e.eventId(), 100) + "`"))));
        return blocks;
    }

    private static String part(TamperEvent e) {
        return (e.part() == TamperEvent.Part.RULE ? "EventBridge rule " : "IAM role ") + e.partName();
    }

    private static String past(TamperEvent e) {
        return switch (e.eventName()) {
            case "DisableRule" -> "disabled";
            case "EnableRule" -> "enabled";
            case "DeleteRule", "DeleteRole" -> "deleted";
            case "PutRule" -> "changed";
            case "PutTargets" -> "changed the targets of";
            case "RemoveTargets" -> "removed targets from";
            case "UpdateAssumeRolePolicy" -> "changed who may assume";
            case "PutRolePolicy" -> "put an inline policy on";
            case "DeleteRolePolicy" -> "deleted an inline policy of";
            case "AttachRolePolicy" -> "attached a managed policy to";
            case "DetachRolePolicy" -> "detached a managed policy from";
            case "UpdateRole" -> "updated";
            case "PutRolePermissionsBoundary" -> "set a permissions boundary on";
            case "DeleteRolePermissionsBoundary" -> "removed the permissions boundary of";
            default -> "called " + e.eventName() + " on";
        };
    }

    private static String infinitive(TamperEvent e) {
        return switch (e.eventName()) {
            case "DisableRule" -> "disable";
            case "EnableRule" -> "enable";
            case "DeleteRule", "DeleteRole" -> "delete";
            case "PutRule" -> "change";
            case "RemoveTargets" -> "remove targets from";
            case "UpdateAssumeRolePolicy" -> "change who may assume";
            default -> "call " + e.eventName() + " on";
        };
    }

    /** What the change may mean for what sgwarden sees and does there. */
    static String meaning(TamperEvent e) {
        String rule = e.partName();
        String carried = rule.endsWith("sg-changes") ? "security group changes"
                : rule.endsWith("plumbing") ? "changes to sgwarden's own rules and role"
                        : rule.endsWith(PlumbingEvents.HEARTBEAT_RULE) ? "the heartbeat"
                                : rule.endsWith("alarms") ? "the forwarding alarm" : "what this rule carries";
        String where = " from " + e.account() + " / " + e.region();
        return switch (e.eventName()) {
            case "DisableRule", "DeleteRule" -> "From now on " + carried + where + " may no longer reach sgwarden.";
            case "RemoveTargets" -> "The rule may no longer forward " + carried + " to sgwarden's central bus.";
            case "PutTargets" -> "The rule may now send " + carried + " somewhere else than sgwarden's central bus.";
            case "PutRule" -> "The rule's pattern or state may no longer let " + carried + " through.";
            case "EnableRule" -> "The rule forwards " + carried + " again; what happened while it was off is unseen.";
            case "UpdateAssumeRolePolicy" ->
                "Someone other than sgwarden may now assume this role and act as sgwarden.";
            case "PutRolePolicy", "AttachRolePolicy" -> "The role may now do more than revert security group changes.";
            case "DeleteRolePolicy", "DetachRolePolicy", "PutRolePermissionsBoundary" ->
                "Reverts in this account may fail from now on.";
            case "DeleteRolePermissionsBoundary" ->
                "The role may now do more than its policies allowed with the boundary.";
            case "DeleteRole" -> "Reverts in this account fail from now on.";
            default -> "The role's settings changed.";
        };
    }

    public Message silent(@Body PlumbingRecords.Silence s) {
        String lead = ":mute: *No heartbeat from " + s.account() + " / " + s.region() + "* for "
                + minutes(s.lastHeard(), s.now()) + " (last heard " + SlackMessages.at(s.lastHeard()) + ").";
        String why = "Security group changes there may not be reaching sgwarden. What may have happened: the"
                + " forwarding or heartbeat rule (sgwarden-*) was disabled or deleted, its target or the role"
                + " it sends with was changed, the member stack was removed from this region, or EventBridge"
                + " delivery to the central bus fails (see the alarm sgwarden-member-forward-failed-" + s.region()
                + " there). Check the member stack in that account and region.";
        return SlackMessages.message("No heartbeat from " + s.account() + " / " + s.region() + " since "
                + s.lastHeard(), List.of(section(lead + "\n" + why)));
    }

    public Message back(@Body PlumbingRecords.Return r) {
        String text = ":sound: *Heartbeat back from " + r.account() + " / " + r.region() + "*, heard "
                + SlackMessages.at(r.now()) + " after a silence of " + minutes(r.lastHeard(), r.now())
                + ". Changes made there meanwhile may not have reached sgwarden.";
        return SlackMessages.message("Heartbeat back from " + r.account() + " / " + r.region(), List.of(section(text)));
    }

    private static String minutes(Instant from, Instant to) {
        if (from == null || to == null) {
            return "a while";
        }
        long m = Math.max(0, Duration.between(from, to).toMinutes());
        return m < 1 ? "less than a minute" : m == 1 ? "1 minute" : m + " minutes";
    }

    private static Map<String, Object> section(String mrkdwn) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", "section");
        s.put("text", Map.of("type", "mrkdwn", "text", mrkdwn));
        return s;
    }
}
