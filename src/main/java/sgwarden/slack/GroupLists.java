package sgwarden.slack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import sgwarden.change.Decision;
import sgwarden.change.Modification;
import sgwarden.change.Rule;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * The lists in a group message, within Slack's limits: the rules asked about (sorted as a reader
 * scans them, then "and N more"), and each change a policy reverted or quarantined, with Restore.
 */
@ApplicationScoped
public class GroupLists {

    private static final int SECTION_MAX = 2900;
    /** Sections listing the rules waiting for a decision; Slack allows 50 blocks, the rest stays well under. */
    private static final int RULE_SECTIONS = 5;
    /** Changes revoked by a policy shown each with its Restore button. */
    private static final int ACTED_SHOWN = 10;

    @Inject
    SlackMessages messages;

    @Inject
    Settings settings;

    /** One line of the rules list, with what it is sorted by. */
    private record Line(String group, int port, String text) {
    }

    /** Sorted by group (by the name shown), then by port, as a reader scans the list. */
    static final java.util.Comparator<Line> READING_ORDER = java.util.Comparator.comparing(Line::group)
            .thenComparingInt(Line::port);

    private static int port(Rule r) {
        return r == null || r.fromPort() == null ? -1 : r.fromPort();
    }

    /**
     * The rules asked about, one line each, sorted by group and port, in at most five sections of 2,900
     * characters, then "and N more".
     */
    List<Map<String, Object>> rules(List<Announcement> asked) {
        List<Line> sorted = new ArrayList<>();
        for (Announcement a : asked) {
            String mark = StatusTexts.mark(a.stored());
            String group = SlackMessages.group(a.change(), a.names());
            String where = "*" + Mrkdwn.escape(group, 300) + "* " + Mrkdwn.escape(a.change().region(), 30) + ": ";
            String key = group + " " + a.change().region();
            if (a.change().changesTags()) {
                sorted.add(new Line(key, -1, "• " + mark + where + Mrkdwn.escape(SlackMessages.taggedLine(a.change()))
                        + ": "
                        + Mrkdwn.escape(String.join("; ", SlackMessages.switchLines(a.change(), a.names())), 600)));
            } else if (a.change().isModification()) {
                for (Modification m : a.change().modifications()) {
                    sorted.add(new Line(key, port(m.after()), "• " + mark + where + "rule `"
                            + Mrkdwn.code(m.ruleId(), 60) + "` " + SlackMessages.forms(m)));
                }
            } else {
                for (Rule r : a.change().rules()) {
                    sorted.add(new Line(key, port(r), "• " + mark + where + a.change().direction().adjective() + " "
                            + Mrkdwn.escape(r.describeTraffic()) + " " + a.change().direction().peerPreposition()
                            + " `" + Mrkdwn.code(r.peer().describe(), 200) + "`"
                            // a CIDR added to a prefix list the rule names, not the rule's own peer
                            + (a.change().changesPrefixList() ? " added to prefix list "
                                    + Mrkdwn.escape(a.change().prefixList().describe(), 300) : "")));
                }
            }
        }
        // stable: lines of the same group and port keep the order the changes came in
        sorted.sort(READING_ORDER);
        List<String> lines = sorted.stream().map(Line::text).toList();
        List<Map<String, Object>> sections = new ArrayList<>();
        if (lines.isEmpty()) {
            return sections;
        }
        // once every change is decided, nothing is left to decide on: the list only says what was
        boolean open = asked.stream().anyMatch(a -> a.stored() == null || a.stored().status() == Status.PENDING
                || a.stored().status() == Status.ANNOUNCING);
        StringBuilder text = new StringBuilder("*").append(GroupTally.count(lines.size(), "rule"))
                .append(open ? " to decide on:*" : ":*");
        int shown = 0;
        for (String line : lines) {
            if (text.length() + line.length() + 1 > SECTION_MAX) {
                if (sections.size() == RULE_SECTIONS - 1) {
                    break;
                }
                sections.add(SlackMessages.section(text.toString()));
                text = new StringBuilder();
            }
            text.append(text.length() == 0 ? "" : "\n").append(line);
            shown++;
        }
        if (shown < lines.size()) {
            // room for the last line is kept: a section holds up to 3,000 characters
            text.append("\n• … and ").append(lines.size() - shown).append(" more");
        }
        sections.add(SlackMessages.section(text.toString()));
        return sections;
    }

    /** Each change a policy reverted or quarantined, named with its policy, and Restore while it is off. */
    List<Map<String, Object>> acted(List<Announcement> acted, String block) {
        List<Map<String, Object>> out = new ArrayList<>();
        int shown = 0;
        for (Announcement a : acted) {
            if (shown == ACTED_SHOWN) {
                out.add(GroupMessages
                        .context("… and " + (acted.size() - shown) + " more changes reverted or quarantined by"
                                + " policies: *Decide one by one* is not needed for them; each is in the ledger"));
                break;
            }
            StoredChange s = a.stored();
            // the policy that acted, as recorded; once a person restored it, the policies' verdict names it
            boolean byPolicy = s.decidedBy() != null
                    && s.decidedBy().startsWith(Decision.POLICY_PREFIX);
            String policy = "policy *" + Mrkdwn.escape(byPolicy ? s.decidedByName()
                    : a.verdict() == null ? "?" : String.valueOf(a.verdict().policyName()), 100) + "*";
            String what = StatusTexts.actedInGroup(s, policy);
            String text = what + ": " + Mrkdwn.escape(messages.headline(a.change(), a.names()), 2000);
            Map<String, Object> section = new LinkedHashMap<>(SlackMessages.section(text));
            section.put("block_id", block + ":" + s.changeId());
            // with Restore off (sgwarden.restore.enabled) no Restore, as in the change's own message
            if (settings.restore().enabled() && (s.status() == Status.QUARANTINED || s.status() == Status.REVERTED
                    || s.status() == Status.RESTORE_FAILED)) {
                section.put("accessory", Buttons.button(PolicyMessages.RESTORE, "Restore", s.changeId(), "primary",
                        Buttons.confirm("Restore these rules?",
                                "The rules this change added are put back in the security group.", "Restore", false)));
            }
            out.add(section);
            shown++;
        }
        return out;
    }
}
