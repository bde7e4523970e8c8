package sgwarden.slack;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.slack.api.model.Message;

import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.names.Names;

/**
 * Composes the Block Kit messages: the announcement of a change with Approve and Deny, and the
 * same message once decided, showing the outcome.
 */
@ApplicationScoped
@Named("slackMessages")
public class SlackMessages {

    public static final String APPROVE = "sgwarden_approve";
    public static final String DENY = "sgwarden_deny";
    public static final String ACTIONS_BLOCK = "sgwarden_decision";
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final int SECTION_MAX = 2900;
    private static final int RULES_SHOWN = 20;

    /** The announcement, as the camel-slack producer takes it. */
    public Message announcement(SecurityGroupChange change) {
        return announcement(change, Names.NONE);
    }

    /** The announcement, with the names looked up for it (any of them may be unknown). */
    public Message announcement(SecurityGroupChange change, Names names) {
        List<Map<String, Object>> blocks = summaryBlocks(change, names);
        blocks.add(actions(change.eventId(), true));
        return message(headline(change, names), blocks);
    }

    public List<Map<String, Object>> decided(SecurityGroupChange change, String outcome, boolean denyAgain) {
        return decided(change, Names.NONE, outcome, denyAgain);
    }

    /** The message after a decision: the summary, the outcome, and Deny again only where a retry is possible. */
    public List<Map<String, Object>> decided(SecurityGroupChange change, Names names, String outcome,
            boolean denyAgain) {
        List<Map<String, Object>> blocks = summaryBlocks(change, names);
        blocks.add(section(outcome));
        if (denyAgain) {
            blocks.add(actions(change.eventId(), false));
        }
        return blocks;
    }

    public String headline(SecurityGroupChange change) {
        return headline(change, Names.NONE);
    }

    public String headline(SecurityGroupChange change, Names names) {
        Rule first = change.rules().get(0);
        String what = change.rules().size() == 1
                ? change.direction().adjective() + " " + first.describeTraffic() + " "
                        + change.direction().peerPreposition() + " " + first.peer().describe()
                : change.rules().size() + " " + change.direction().adjective() + " rules";
        return change.actor().name() + " (" + change.actor().identityType() + ") added " + what + " to "
                + group(change, names) + " in " + account(change.accountId(), names) + " / " + change.region();
    }

    /** "web-frontend (sg-0abc…)", or the ID alone when the name is unknown. */
    static String group(SecurityGroupChange change, Names names) {
        String name = names == null ? null : names.groupName();
        return name == null || name.isBlank() || name.equals(change.groupId()) ? String.valueOf(change.groupId())
                : name + " (" + change.groupId() + ")";
    }

    /** "prod-payments (111111111111)", or the ID alone when the name is unknown. */
    static String account(String accountId, Names names) {
        String name = names == null ? null : names.accountName();
        return name == null || name.isBlank() ? String.valueOf(accountId) : name + " (" + accountId + ")";
    }

    /** A time each reader sees in their own time zone; UTC where Slack cannot format it. */
    public static String date(Instant time) {
        return "<!date^" + time.getEpochSecond() + "^{date_short_pretty} {time}|" + TIME.format(time) + ">";
    }

    static Message message(String text, List<Map<String, Object>> blocks) {
        Message message = new Message();
        message.setText(Mrkdwn.escape(text, 3000));
        message.setBlocks(new ArrayList<>(blocks.stream().map(WireBlock::new).toList()));
        return message;
    }

    private List<Map<String, Object>> summaryBlocks(SecurityGroupChange change, Names names) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        text.append('*').append(Mrkdwn.escape(change.actor().name(), 200)).append("* (")
                .append(Mrkdwn.escape(change.actor().identityType(), 50)).append(") added ");
        if (change.rules().size() == 1) {
            Rule r = change.rules().get(0);
            text.append(change.direction().adjective()).append(' ').append(Mrkdwn.escape(r.describeTraffic()))
                    .append(' ').append(change.direction().peerPreposition()).append(" `")
                    .append(Mrkdwn.code(r.peer().describe(), 200)).append('`');
            appendDescription(text, r);
        } else {
            text.append(change.rules().size()).append(' ').append(change.direction().adjective()).append(" rules");
        }
        text.append(" to *").append(Mrkdwn.escape(group(change, names), 300)).append('*');
        if (names != null && names.vpcId() != null) {
            text.append(" in ").append(Mrkdwn.escape(names.vpcId(), 30));
            if (names.vpcName() != null) {
                text.append(" / ").append(Mrkdwn.escape(names.vpcName(), 255));
            }
            text.append(", account");
        } else {
            text.append(" in");
        }
        text.append(" *").append(Mrkdwn.escape(account(change.accountId(), names), 100)).append(" / ")
                .append(Mrkdwn.escape(change.region())).append("*")
                .append(" at ").append(date(change.eventTime()));
        if (change.rules().size() > 1) {
            int shown = 0;
            for (Rule r : change.rules()) {
                if (shown == RULES_SHOWN) {
                    text.append("\n• … and ").append(change.rules().size() - shown).append(" more");
                    break;
                }
                StringBuilder line = new StringBuilder("\n• ").append(Mrkdwn.escape(r.describeTraffic())).append(' ')
                        .append(change.direction().peerPreposition()).append(" `")
                        .append(Mrkdwn.code(r.peer().describe(), 200)).append('`');
                appendDescription(line, r);
                if (text.length() + line.length() > SECTION_MAX) {
                    text.append("\n• … and ").append(change.rules().size() - shown).append(" more");
                    break;
                }
                text.append(line);
                shown++;
            }
        }
        blocks.add(section(text.toString()));
        String warning = warning(change);
        if (warning != null) {
            blocks.add(section(warning));
        }
        List<String> context = new ArrayList<>();
        context.add("event `" + Mrkdwn.code(change.eventId(), 100) + "`");
        if (change.actor().principalArn() != null) {
            context.add("principal `" + Mrkdwn.code(change.actor().principalArn(), 300) + "`");
        }
        if (change.actor().accountId() != null && !change.actor().accountId().equals(change.accountId())) {
            context.add("caller account " + Mrkdwn.escape(change.actor().accountId(), 20));
        }
        if (change.actor().sourceIp() != null) {
            context.add("from " + Mrkdwn.escape(change.actor().sourceIp(), 100));
        }
        if (change.actor().userAgent() != null) {
            context.add("agent `" + Mrkdwn.code(change.actor().userAgent(), 200) + "`");
        }
        blocks.add(Map.of("type", "context", "elements",
                List.of(Map.of("type", "mrkdwn", "text", String.join(" · ", context)))));
        return blocks;
    }

    private static void appendDescription(StringBuilder text, Rule r) {
        if (r.description() != null && !r.description().isBlank()) {
            text.append(" (“").append(Mrkdwn.escape(r.description(), 255)).append("”)");
        }
    }

    static String warning(SecurityGroupChange change) {
        List<String> why = new ArrayList<>();
        if (change.opensToWorld()) {
            why.add("open to the whole internet ("
                    + String.join(", ", change.rules().stream().filter(r -> r.peer().isWorld())
                            .map(r -> r.peer().value()).distinct().toList())
                    + ")");
        }
        if (change.rules().stream().anyMatch(Rule::isAllProtocols)) {
            why.add("all protocols");
        } else if (change.opensAllPorts()) {
            why.add("all ports");
        }
        return why.isEmpty() ? null : ":warning: *Warning:* " + String.join("; ", why);
    }

    static Map<String, Object> section(String mrkdwn) {
        return Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", mrkdwn));
    }

    private static Map<String, Object> actions(String changeId, boolean withApprove) {
        List<Object> buttons = new ArrayList<>();
        if (withApprove) {
            buttons.add(button(APPROVE, "Approve", changeId, "primary", null));
        }
        Map<String, Object> confirm = new LinkedHashMap<>();
        confirm.put("title", plain("Revert this change?"));
        confirm.put("text", plain("The rules this change added are removed from the security group."));
        confirm.put("confirm", plain("Revert"));
        confirm.put("deny", plain("Cancel"));
        confirm.put("style", "danger");
        buttons.add(button(DENY, withApprove ? "Deny" : "Deny again", changeId, "danger", confirm));
        return Map.of("type", "actions", "block_id", ACTIONS_BLOCK, "elements", buttons);
    }

    private static Map<String, Object> button(String actionId, String label, String value, String style,
            Map<String, Object> confirm) {
        Map<String, Object> button = new LinkedHashMap<>();
        button.put("type", "button");
        button.put("action_id", actionId);
        button.put("text", plain(label));
        button.put("value", value);
        button.put("style", style);
        if (confirm != null) {
            button.put("confirm", confirm);
        }
        return button;
    }

    private static Map<String, Object> plain(String text) {
        return Map.of("type", "plain_text", "text", text);
    }

    public static String at(Instant time) {
        return date(time);
    }
}
