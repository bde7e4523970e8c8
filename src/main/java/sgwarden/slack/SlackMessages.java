package sgwarden.slack;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.slack.api.model.Message;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.AssumedRole;
import sgwarden.change.Attachment;
import sgwarden.change.Direction;
import sgwarden.change.Modification;
import sgwarden.change.Peer;
import sgwarden.change.PrefixListChange;
import sgwarden.change.Reach;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.StoredChange;
import sgwarden.change.Tagging;
import sgwarden.config.Settings;
import sgwarden.decision.ApprovalTerms;
import sgwarden.names.Names;
import sgwarden.policy.TagSwitches;

/**
 * Composes the Block Kit messages: the announcement of a change with Approve and Deny, and the
 * same message once decided, showing the outcome.
 */
@ApplicationScoped
@Named("slackMessages")
public class SlackMessages {

    @jakarta.inject.Inject
    ApprovalTerms approvalTerms;

    @jakarta.inject.Inject
    Settings settings;

    /** The spoke role's name; application.properties' default where no settings are injected (unit tests). */
    public String spokeRoleName() {
        return settings == null ? "sgwarden-spoke" : settings.revert().roleName();
    }

    public static final String APPROVE = "sgwarden_approve";
    /** Approve for a time: the action_id ends with the duration's code, e.g. sgwarden_approve_for_8h. */
    public static final String APPROVE_FOR = "sgwarden_approve_for_";
    public static final String DENY = "sgwarden_deny";
    public static final String ACTIONS_BLOCK = "sgwarden_decision";
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final int SECTION_MAX = 2900;
    private static final int RULES_SHOWN = 20;

    /** The announcement, as the camel-slack producer takes it. */
    public Message announcement(SecurityGroupChange change) {
        return announcement(change, Names.NONE);
    }

    /** The announcement, with the names looked up for it (any of them may be unknown). */
    public Message announcement(SecurityGroupChange change, Names names) {
        List<Map<String, Object>> blocks = summaryBlocks(change, names);
        blocks.add(actions(change, names, true));
        webhookNote(blocks);
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
            blocks.add(actions(change, names, false));
        }
        return blocks;
    }

    /**
     * Through a webhook, sgwarden can edit a message only through a click's response_url: what a policy,
     * an expiry or an escalation decides later comes as a new message, and this one keeps its buttons.
     * The reader is told, in one line, so that the message is not taken for the change's state.
     */
    static final String WEBHOOK_NOTE = ":information_source: Posted through a webhook: this message changes only"
            + " when someone clicks it. Later outcomes come as new messages.";

    void webhookNote(List<Map<String, Object>> blocks) {
        // never at the cost of Slack's 50 blocks: the message itself comes first
        if (settings != null && !settings.slack().botMode() && blocks.size() < 50) {
            blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text", WEBHOOK_NOTE))));
        }
    }

    public String headline(SecurityGroupChange change) {
        return headline(change, Names.NONE);
    }

    public String headline(SecurityGroupChange change, Names names) {
        String where = group(change, names) + " in " + account(change.accountId(), names) + " / " + change.region();
        if (change.changesAttachment()) {
            return change.actor().name() + " (" + change.actor().identityType() + ") attached " + where + ": "
                    + attachedLine(change, names);
        }
        if (change.changesTags()) {
            return change.actor().name() + " (" + change.actor().identityType() + ") " + taggedLine(change) + " on "
                    + where + ": " + String.join("; ", switchLines(change, names));
        }
        if (change.changesPrefixList()) {
            return change.actor().name() + " (" + change.actor().identityType() + ") " + listChangeLine(change)
                    + ": " + group(change, names) + " in " + groupAccount(change, names) + " / " + change.region()
                    + " now allows " + allowedLine(change);
        }
        Rule first = change.rules().get(0);
        if (change.isModification()) {
            String what = change.rules().size() == 1
                    ? "rule " + first.ruleId() + ": " + plainForms(change.modifications().get(0))
                    : change.rules().size() + " rules";
            return change.actor().name() + " (" + change.actor().identityType() + ") changed " + what + " in "
                    + where;
        }
        String what = change.rules().size() == 1
                ? change.direction().adjective() + " " + first.describeTraffic() + " "
                        + change.direction().peerPreposition() + " " + first.peer().describe()
                : change.rules().size() + " " + change.direction().adjective() + " rules";
        return change.actor().name() + " (" + change.actor().identityType() + ") added " + what + " to " + where;
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

    /**
     * Where and when, in mrkdwn: "*web-frontend (sg-0abc)* in vpc-0abc / payments-vpc, account
     * *prod-payments (111111111111) / eu-west-1* at <date>", or "*sg-0abc* in *111111111111 /
     * eu-west-1* at <date>" with nothing known.
     */
    static String where(SecurityGroupChange change, Names names) {
        StringBuilder text = new StringBuilder("*").append(Mrkdwn.escape(group(change, names), 300)).append('*');
        if (names != null && names.vpcId() != null) {
            text.append(" in ").append(Mrkdwn.escape(names.vpcId(), 30));
            if (names.vpcName() != null) {
                text.append(" / ").append(Mrkdwn.escape(names.vpcName(), 255));
            }
            text.append(", account");
        } else {
            text.append(" in");
        }
        return text.append(" *").append(Mrkdwn.escape(account(change.accountId(), names), 100)).append(" / ")
                .append(Mrkdwn.escape(change.region())).append("* at ").append(date(change.eventTime())).toString();
    }

    /** A time each reader sees in their own time zone; UTC where Slack cannot format it. */
    public static String date(Instant time) {
        return "<!date^" + time.getEpochSecond() + "^{date_short_pretty} {time}|" + TIME.format(time) + ">";
    }

    /** As {@link #date}, to the second: for replies about a click, where seconds tell two decisions apart. */
    public static String dateToTheSecond(Instant time) {
        return "<!date^" + time.getEpochSecond() + "^{date_short_pretty} {time_secs}|" + TIME_SECS.format(time) + ">";
    }

    static final DateTimeFormatter TIME_SECS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(java.time.ZoneOffset.UTC);

    static Message message(String text, List<Map<String, Object>> blocks) {
        Message message = new Message();
        message.setText(Mrkdwn.plain(text, 3000));
        message.setBlocks(new ArrayList<>(blocks.stream().map(WireBlock::new).toList()));
        return message;
    }

    /**
     * "legacy-open (22/tcp from 0.0.0.0/0) is now on eni-0abc of i-0def": the group, the rules shown
     * (for an ask, those the policies did not approve) and what it now protects.
     */
    public static String attachedLine(SecurityGroupChange change, Names names) {
        String name = names == null || names.groupName() == null || names.groupName().isBlank() ? change.groupId()
                : names.groupName();
        List<String> rules = new ArrayList<>();
        for (Rule r : change.rules()) {
            if (rules.size() == RULES_SHOWN) {
                rules.add("… and " + (change.rules().size() - RULES_SHOWN) + " more");
                break;
            }
            rules.add(ports(r) + " from " + r.peer().describe());
        }
        return name + " (" + String.join(", ", rules) + ") is now on " + change.attachment().target();
    }

    /** "22/tcp", "1000-2000/udp", or the traffic in words where ports do not apply. */
    private static String ports(Rule r) {
        if (("tcp".equals(r.protocol()) || "udp".equals(r.protocol())) && !r.isAllPorts() && r.fromPort() != null
                && r.toPort() != null) {
            return (r.fromPort().equals(r.toPort()) ? r.fromPort().toString() : r.fromPort() + "-" + r.toPort()) + "/"
                    + r.protocol();
        }
        return r.describeTraffic();
    }

    /** "attached a group", or how a launch or a new interface put it on. */
    static String attachedVerb(SecurityGroupChange change) {
        return switch (String.valueOf(change.eventName())) {
            case Attachment.LAUNCH_EVENT -> "launched an instance with a group";
            case Attachment.CREATE_INTERFACE_EVENT -> "created an interface with a group";
            default -> "attached a group";
        };
    }

    /** "set tag team=platform", "removed tag env", "removed every tag". */
    static String taggedLine(SecurityGroupChange change) {
        boolean delete = Tagging.DELETE_EVENT.equals(change.eventName());
        if (delete && change.tagging().tags().isEmpty()) {
            return "removed every tag";
        }
        int n = change.tagging().tags().size();
        return (delete ? "removed " : "set ") + (n == 1 ? "tag " : "tags ") + change.tagging().describeTags();
    }

    /** "from now on policy platform-team-trusted approves changes to web", one per policy switched. */
    public static List<String> switchLines(SecurityGroupChange change, Names names) {
        String name = names == null || names.groupName() == null || names.groupName().isBlank() ? change.groupId()
                : names.groupName();
        return change.tagging().switches().stream().map(s -> TagSwitches.describe(s, name)).toList();
    }

    private List<Map<String, Object>> taggingSummary(SecurityGroupChange change, Names names) {
        StringBuilder text = new StringBuilder();
        text.append('*').append(Mrkdwn.escape(change.actor().name(), 200)).append("* (")
                .append(Mrkdwn.escape(change.actor().identityType(), 50)).append(") ")
                .append(Mrkdwn.escape(taggedLine(change), 500)).append(": ").append(where(change, names));
        for (String line : switchLines(change, names)) {
            text.append("\n• ").append(Mrkdwn.escape(line, 300));
        }
        text.append("\n_Approve_ lets the tags count for approve policies; _Deny_ puts the earlier tags back.");
        return new ArrayList<>(List.of(section(text.toString())));
    }

    /** "added 0.0.0.0/0 and removed 10.0.0.0/8 in prefix list corp-ips (pl-0abc)". */
    public static String listChangeLine(SecurityGroupChange change) {
        PrefixListChange list = change.prefixList();
        List<String> parts = new ArrayList<>();
        if (!list.added().isEmpty()) {
            parts.add("added " + cidrs(list.addedCidrs()));
        }
        if (!list.removed().isEmpty()) {
            parts.add("removed " + cidrs(list.removedCidrs()));
        }
        return (parts.isEmpty() ? "changed" : String.join(" and ", parts)) + " in prefix list " + list.describe();
    }

    /** "22/tcp from 0.0.0.0/0 (rule sgr-0abc)", each rule of the group as if each added CIDR were its peer. */
    public static String allowedLine(SecurityGroupChange change) {
        List<String> rules = new ArrayList<>();
        for (Rule r : change.rules()) {
            if (rules.size() == RULES_SHOWN) {
                rules.add("… and " + (change.rules().size() - RULES_SHOWN) + " more");
                break;
            }
            rules.add(ports(r) + " " + change.direction().peerPreposition() + " " + r.peer().describe()
                    + (r.ruleId() == null ? "" : " (rule " + r.ruleId() + ")"));
        }
        return change.direction().adjective() + " " + String.join(", ", rules);
    }

    private static String cidrs(List<String> cidrs) {
        return cidrs.size() <= RULES_SHOWN ? String.join(", ", cidrs)
                : String.join(", ", cidrs.subList(0, RULES_SHOWN)) + " … and " + (cidrs.size() - RULES_SHOWN) + " more";
    }

    /** The account of the group, which may differ from the list owner's when the list is shared. */
    private static String groupAccount(SecurityGroupChange change, Names names) {
        String groupAccount = change.prefixList().groupAccount();
        return groupAccount == null || groupAccount.equals(change.accountId()) ? account(change.accountId(), names)
                : groupAccount;
    }

    private List<Map<String, Object>> prefixListSummary(SecurityGroupChange change, Names names) {
        PrefixListChange list = change.prefixList();
        String owner = change.accountId() + " / " + change.region();
        StringBuilder text = new StringBuilder();
        text.append('*').append(Mrkdwn.escape(change.actor().name(), 200)).append("* (")
                .append(Mrkdwn.escape(change.actor().identityType(), 50)).append(") ");
        if (!list.added().isEmpty()) {
            text.append("added `").append(Mrkdwn.code(cidrs(list.addedCidrs()), 800)).append('`');
        }
        if (!list.removed().isEmpty()) {
            text.append(list.added().isEmpty() ? "" : " and ").append("removed `")
                    .append(Mrkdwn.code(cidrs(list.removedCidrs()), 600)).append('`');
        }
        text.append(" in prefix list *").append(Mrkdwn.escape(list.describe(), 300)).append("* (version ")
                .append(list.seenVersion()).append(" → ").append(list.version()).append(") of account *")
                .append(Mrkdwn.escape(owner, 100)).append("* at ").append(date(change.eventTime())).append('\n')
                .append("Now allowed in *").append(Mrkdwn.escape(group(change, names), 300)).append("* of account *")
                .append(Mrkdwn.escape(groupAccount(change, names) + " / " + change.region(), 150)).append("*: ")
                .append(Mrkdwn.escape(allowedLine(change), SECTION_MAX - 1600));
        return new ArrayList<>(List.of(section(text.toString())));
    }

    private List<Map<String, Object>> attachmentSummary(SecurityGroupChange change, Names names) {
        StringBuilder text = new StringBuilder();
        text.append('*').append(Mrkdwn.escape(change.actor().name(), 200)).append("* (")
                .append(Mrkdwn.escape(change.actor().identityType(), 50)).append(") ").append(attachedVerb(change))
                .append(": ")
                .append(where(change, names)).append("\n")
                .append(Mrkdwn.escape(attachedLine(change, names), SECTION_MAX - 800));
        return new ArrayList<>(List.of(section(text.toString())));
    }

    private List<Map<String, Object>> summaryBlocks(SecurityGroupChange change, Names names) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        if (change.changesTags()) {
            blocks.addAll(taggingSummary(change, names));
            blocks.addAll(trailer(change));
            return blocks;
        }
        if (change.changesAttachment()) {
            blocks.addAll(attachmentSummary(change, names));
            blocks.addAll(trailer(change));
            return blocks;
        }
        if (change.changesPrefixList()) {
            blocks.addAll(prefixListSummary(change, names));
            blocks.addAll(trailer(change));
            return blocks;
        }
        StringBuilder text = new StringBuilder();
        text.append('*').append(Mrkdwn.escape(change.actor().name(), 200)).append("* (")
                .append(Mrkdwn.escape(change.actor().identityType(), 50)).append(change.isModification()
                        ? ") changed "
                        : ") added ");
        if (change.isModification()) {
            appendModifications(text, change, names);
        } else if (change.rules().size() == 1) {
            Rule r = change.rules().get(0);
            text.append(change.direction().adjective()).append(' ').append(Mrkdwn.escape(r.describeTraffic()))
                    .append(' ').append(change.direction().peerPreposition()).append(" `")
                    .append(Mrkdwn.code(r.peer().describe(), 200)).append('`');
            appendDescription(text, r);
        } else {
            text.append(change.rules().size()).append(' ').append(change.direction().adjective()).append(" rules");
        }
        if (!change.isModification()) {
            text.append(" to ").append(where(change, names));
        }
        if (change.rules().size() > 1 && !change.isModification()) {
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
        blocks.addAll(trailer(change));
        return blocks;
    }

    /** The warnings and the context line (event, principal, caller account, source, agent). */
    private List<Map<String, Object>> trailer(SecurityGroupChange change) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        String posing = posingWarning(change, spokeRoleName());
        if (posing != null) {
            blocks.add(section(posing));
        }
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

    /**
     * "rule `sgr-…` in *sg-…* in *account / region* at …" and each rule's earlier and new form:
     * "tcp 6379 from 10.0.0.0/8 → tcp 6379 from `0.0.0.0/0`", or plainly that the earlier form is not known.
     */
    private static void appendModifications(StringBuilder text, SecurityGroupChange change, Names names) {
        List<Modification> mods = change.modifications();
        String where = " in " + where(change, names);
        if (mods.size() == 1) {
            Modification m = mods.get(0);
            text.append(adjective(m)).append("rule `").append(Mrkdwn.code(m.ruleId(), 60)).append('`').append(where)
                    .append(":\n").append(forms(m));
            return;
        }
        text.append(mods.size()).append(" rules").append(where).append(':');
        int shown = 0;
        for (Modification m : mods) {
            String line = "\n• `" + Mrkdwn.code(m.ruleId(), 60) + "` " + adjective(m) + forms(m);
            if (shown == RULES_SHOWN || text.length() + line.length() > SECTION_MAX) {
                text.append("\n• … and ").append(mods.size() - shown).append(" more");
                break;
            }
            text.append(line);
            shown++;
        }
    }

    private static String adjective(Modification m) {
        return m.direction() == null ? "" : m.direction().adjective() + " ";
    }

    /** Before → after, the new peer in code style as for additions. */
    static String forms(Modification m) {
        StringBuilder line = new StringBuilder();
        if (m.earlierKnown()) {
            Rule before = m.earlier().rule();
            line.append(Mrkdwn.escape(before.describeTraffic())).append(' ').append(preposition(m.direction()))
                    .append(' ').append(Mrkdwn.escape(before.peer().describe()));
            if (!java.util.Objects.equals(before.description(), m.after().description())) {
                appendDescription(line, before);
            }
        } else {
            line.append("earlier form not known (sgwarden had not seen this rule)");
        }
        line.append(" → ").append(Mrkdwn.escape(m.after().describeTraffic())).append(' ')
                .append(preposition(m.direction())).append(" `").append(Mrkdwn.code(m.after().peer().describe(), 200))
                .append('`');
        appendDescription(line, m.after());
        return line.toString();
    }

    /** The same, unformatted, for the notification text. */
    static String plainForms(Modification m) {
        String after = m.after().describeTraffic() + " " + preposition(m.direction()) + " "
                + m.after().peer().describe();
        if (!m.earlierKnown()) {
            return "earlier form not known → " + after;
        }
        Rule before = m.earlier().rule();
        return before.describeTraffic() + " " + preposition(m.direction()) + " " + before.peer().describe() + " → "
                + after;
    }

    /** A modification's record does not say whether a rule is inbound or outbound; the ledger may. */
    private static String preposition(Direction direction) {
        return direction == null ? "with" : direction.peerPreposition();
    }

    private static void appendDescription(StringBuilder text, Rule r) {
        if (r.description() != null && !r.description().isBlank()) {
            text.append(" (“").append(Mrkdwn.escape(r.description(), 255)).append("”)");
        }
    }

    /**
     * A change made through sgwarden's spoke role, or by a role or session named like sgwarden's. Its
     * own writes never reach a message (they are recognized and skipped), so this one is someone
     * else's, and says so first.
     */
    static String posingWarning(SecurityGroupChange change, String spokeRoleName) {
        AssumedRole role = AssumedRole.of(change.actor());
        return switch (AssumedRole.posing(change, spokeRoleName)) {
            case SPOKE_ROLE -> ":rotating_light: *Made through sgwarden's own role, but not by sgwarden:* the spoke"
                    + " role `" + Mrkdwn.code(role.roleName(), 64) + "` (session `"
                    + Mrkdwn.code(role.sessionName(), 64)
                    + "`) made this change, and sgwarden made no such write. Someone else can assume that role.";
            case LOOKALIKE -> ":rotating_light: *Named like sgwarden, but not made by sgwarden:* role `"
                    + Mrkdwn.code(role.roleName(), 64) + "` in account " + role.accountId() + ", session `"
                    + Mrkdwn.code(role.sessionName(), 64) + "`. This is not sgwarden's spoke role making a write"
                    + " of sgwarden's.";
            case NONE -> null;
        };
    }

    static String warning(SecurityGroupChange change) {
        List<String> why = new ArrayList<>();
        List<Reach> reach = change.reach();
        List<String> world = new ArrayList<>();
        List<String> wide = new ArrayList<>();
        for (int i = 0; i < reach.size(); i++) {
            Peer peer = change.rules().get(i).peer();
            String value = peer == null ? "?" : peer.value();
            if (reach.get(i).isWorld()) {
                world.add(value);
            } else if (reach.get(i).isWide()) {
                wide.add(value);
            }
        }
        if (!world.isEmpty()) {
            why.add("open to the whole internet (" + peers(world) + ")");
        }
        if (!wide.isEmpty()) {
            why.add("open to a large part of the internet (" + peers(wide) + ")");
        }
        if (change.rules().stream().anyMatch(Rule::isAllProtocols)) {
            why.add("all protocols");
        } else if (change.opensAllPorts()) {
            why.add("all ports");
        }
        return why.isEmpty() ? null : ":warning: *Warning:* " + String.join("; ", why);
    }

    /** The distinct peers, at most five, escaped: a change may hold hundreds of rules. */
    private static String peers(List<String> values) {
        List<String> distinct = values.stream().distinct().toList();
        String shown = String.join(", ",
                distinct.stream().limit(5).map(v -> Mrkdwn.escape(String.valueOf(v), 60)).toList());
        return distinct.size() > 5 ? shown + " and " + (distinct.size() - 5) + " more" : shown;
    }

    static Map<String, Object> section(String mrkdwn) {
        return Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", mrkdwn));
    }

    private Map<String, Object> actions(SecurityGroupChange change, Names names, boolean withApprove) {
        String changeId = change.eventId();
        List<Object> buttons = new ArrayList<>();
        if (withApprove) {
            List<ApprovalDuration> offered = offered(change);
            for (ApprovalDuration d : offered) {
                if (d.permanent()) {
                    buttons.add(
                            Buttons.button(APPROVE, offered.size() == 1 ? "Approve" : "Approve permanently", changeId,
                                    "primary", null));
                } else {
                    buttons.add(Buttons.button(APPROVE_FOR + d.code(), "Approve for " + d.label(), changeId,
                            buttons.isEmpty() ? "primary" : null, null));
                }
            }
        }
        Map<String, Object> confirm = Buttons.confirm(confirmTitle(change, names), confirmText(change), "Revert", true);
        buttons.add(Buttons.button(DENY, withApprove ? "Deny" : "Deny again", changeId, "danger", confirm));
        return Map.of("type", "actions", "block_id", ACTIONS_BLOCK, "elements", buttons);
    }

    /** Slack's limit for a confirm dialog's title. */
    static final int TITLE_MAX = 100;

    /**
     * What Deny undoes, named, as the dialog's title: "Remove tcp 22 from 0.0.0.0/0 on web-frontend?". A
     * person confirms the rule and the group they mean, not "this change"; within Slack's 100 characters.
     */
    static String confirmTitle(SecurityGroupChange change, Names names) {
        String name = names == null || names.groupName() == null || names.groupName().isBlank()
                ? String.valueOf(change.groupId())
                : names.groupName();
        String title;
        if (change.changesTags()) {
            title = "Put the earlier tags back on " + name + "?";
        } else if (change.changesAttachment() || change.changesPrefixList()) {
            title = "Revert this change?";
        } else if (change.isModification()) {
            List<Modification> mods = change.modifications();
            title = mods.size() == 1 && mods.get(0).earlierKnown()
                    ? "Put back " + mods.get(0).earlier().rule().describeTraffic() + " "
                            + preposition(mods.get(0).direction()) + " "
                            + mods.get(0).earlier().rule().peer().describe()
                            + " on " + name + "?"
                    : "Undo " + GroupTally.count(mods.size(), "rule change") + " on " + name + "?";
        } else if (change.rules().size() == 1) {
            Rule r = change.rules().get(0);
            title = "Remove " + r.describeTraffic() + " " + change.direction().peerPreposition() + " "
                    + r.peer().describe() + " on " + name + "?";
        } else {
            title = "Remove " + GroupTally.count(change.rules().size(), "rule") + " from " + name + "?";
        }
        return title.length() <= TITLE_MAX ? title : title.substring(0, TITLE_MAX - 2) + "…?";
    }

    /** What Deny will do, in at most 300 characters (Slack's limit for a confirm dialog's text). */
    static String confirmText(SecurityGroupChange change) {
        if (change.changesTags()) {
            return "The group's earlier tags are put back.";
        }
        if (!change.isModification()) {
            return "The rules this change added are removed from the security group.";
        }
        List<Modification> mods = change.modifications();
        long unknown = mods.stream().filter(m -> !m.earlierKnown()).count();
        if (unknown == 0) {
            return mods.size() == 1
                    ? "The rule is put back to its earlier form, unless it was changed again since."
                    : "The rules are put back to their earlier forms, unless one was changed again since.";
        }
        if (mods.size() == 1) {
            return "The earlier form of this rule is not known: Deny removes the rule " + mods.get(0).ruleId()
                    + " from the security group.";
        }
        if (unknown == mods.size()) {
            return "The earlier forms of these rules are not known: Deny removes all " + mods.size()
                    + " rules from the security group.";
        }
        return "Rules with a known earlier form are put back to it. The earlier form of " + unknown + " of the "
                + mods.size() + " rules is not known: Deny removes those rules from the security group.";
    }

    /** The durations Approve offers for this change: configured, within its policies' caps. */
    public List<ApprovalDuration> offered(SecurityGroupChange change) {
        return approvalTerms == null
                ? ApprovalTerms.DEFAULTS.stream().map(ApprovalDuration::parse).toList()
                : approvalTerms.offered(change);
    }

    /**
     * The message that names a change whose approval expired, and what the expiry did: a new message,
     * since a click's response_url lives only 30 minutes.
     */
    public Message expired(SecurityGroupChange change, String outcome) {
        List<Map<String, Object>> blocks = summaryBlocks(change, Names.NONE);
        blocks.add(section(outcome));
        return message(headline(change) + " — " + outcome, blocks);
    }

    /** When an approval for a time ends, in each reader's time zone as the other times are. */
    public static String until(Instant until) {
        return date(until);
    }

    /**
     * When an approval ends: to the second where it was for less than a minute (a 30 s approval would
     * otherwise end "at 08:19", the minute it was given).
     */
    public static String until(StoredChange stored) {
        Instant until = stored.approvedUntil();
        boolean brief = stored.decidedAt() != null
                && java.time.Duration.between(stored.decidedAt(), until).compareTo(java.time.Duration.ofMinutes(1)) < 0;
        return brief ? dateToTheSecond(until) : date(until);
    }

    public static String at(Instant time) {
        return date(time);
    }
}
