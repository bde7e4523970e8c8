package sgwarden.slack;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import com.slack.api.model.Message;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.Decision;
import sgwarden.change.Modification;
import sgwarden.change.Reach;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.names.Names;
import sgwarden.policy.Policy;
import sgwarden.store.Expiries;
import sgwarden.store.GroupStore;
import sgwarden.store.GroupStore.GroupRecord;

/**
 * The message for a burst: one principal's changes in one account, announced together. It says who,
 * where, how many, lists the rules within Slack's limits, sums up the warnings, names what policies
 * did (with Restore), and offers Approve all, Deny all and Decide one by one. After a group action
 * the same message shows each change's outcome, counted.
 */
@ApplicationScoped
@Named("groupMessages")
public class GroupMessages {

    public static final String APPROVE_ALL = "sgwarden_group_approve";
    /** Approve all for a time: the action_id ends with the duration's code. */
    public static final String APPROVE_ALL_FOR = "sgwarden_group_approve_for_";
    public static final String DENY_ALL = "sgwarden_group_deny";
    public static final String DENY_FAILED = "sgwarden_group_deny_again";
    public static final String ONE_BY_ONE = "sgwarden_group_one_by_one";
    /** Extend all for a time, on a group's Extend notice: the action_id ends with the duration's code. */
    public static final String EXTEND_ALL_FOR = "sgwarden_group_extend_for_";
    /** The exchange property naming what a digest is about: reminder, notice, expired or escalated. */
    public static final String DIGEST = "sgwardenDigest";
    /** Blocks of a group message carry its ID: a change's Restore there updates the group message. */
    public static final String BLOCK_PREFIX = "sgwarden_group:";

    private static final int SECTION_MAX = 2900;
    /** Sections listing the rules waiting for a decision; Slack allows 50 blocks, the rest stays well under. */
    private static final int RULE_SECTIONS = 5;
    /** Changes revoked by a policy shown each with its Restore button. */
    private static final int ACTED_SHOWN = 10;
    private static final int FAILED_SHOWN = 5;

    @Inject
    SlackMessages messages;

    @Inject
    Clock clock;
    @Inject
    Settings settings;

    /** The message announcing a group, before anyone decided. */
    public Message announcement(@Body List<Announcement> members, @ExchangeProperty(GroupStore.GROUP) String groupId) {
        return render(members, groupId, null);
    }

    /** The same message, as the changes stand now, after a group action or a change's own decision. */
    public Message view(@Body List<Announcement> members, @ExchangeProperty(GroupStore.GROUP) String groupId,
            @ExchangeProperty("groupRecord") GroupRecord group) {
        return render(members, groupId, group);
    }

    /**
     * What the due-items timer did to a group's changes, in one message rather than one per change:
     * the reminder, the Extend notice (with Extend all), the expiry, or the policy's decision on changes
     * left undecided; then the group as it stands.
     */
    public Message digest(@Body List<Announcement> members, @ExchangeProperty(GroupStore.GROUP) String groupId,
            @ExchangeProperty("groupRecord") GroupRecord group, @ExchangeProperty(DIGEST) String kind,
            @ExchangeProperty("stored") StoredChange last,
            @ExchangeProperty(Expiries.UNDECIDED_FOR) String undecidedFor,
            @ExchangeProperty(Expiries.ESCALATING) Policy escalating,
            @ExchangeProperty(Expiries.ESCALATE_AT) Instant at) {
        String escalation = ExpiryMessages.escalationNote(escalating, at);
        Message view = render(members, groupId, group);
        String approver = last == null ? "?" : ExpiryMessages.approver(last);
        String head = switch (String.valueOf(kind)) {
            case "reminder" -> mention() + ":bell: Still undecided after " + ExpiryMessages.hours(
                    settings.reminder().after()) + ": these changes wait for a decision."
                    + (escalation == null ? "" : " " + escalation);
            case "notice" -> ":hourglass_flowing_sand: The approval of these changes by " + approver + " ends "
                    + (last == null || last.approvedUntil() == null ? "soon"
                            : SlackMessages.until(last.approvedUntil()))
                    + ". Extend them?";
            case "expired" -> ":alarm_clock: The approval of these changes by " + approver + " for "
                    + (last == null ? "?" : Mrkdwn.escape(String.valueOf(last.approvedFor()), 50)) + " ended at "
                    + SlackMessages.at(clock.instant()) + ": their rules were reverted.";
            default -> ":scroll: Left undecided for " + Mrkdwn.escape(String.valueOf(undecidedFor), 50)
                    + ": decided by policy *" + Mrkdwn.escape(last == null ? "?" : String.valueOf(last.decidedByName()),
                            100)
                    + "*.";
        };
        List<Map<String, Object>> blocks = new ArrayList<>();
        blocks.add(SlackMessages.section(head));
        view.getBlocks().forEach(b -> blocks.add((WireBlock) b));
        if ("notice".equals(kind)) {
            Map<String, Object> extend = extendButtons(members, groupId);
            if (extend != null) {
                blocks.add(extend);
            }
        }
        return SlackMessages.message(head.replaceAll("<[^>]*>", "").trim() + " " + view.getText(), blocks);
    }

    private String mention() {
        return settings == null ? ""
                : settings.reminder().userGroup().map(String::trim).filter(g -> !g.isEmpty())
                        .map(g -> "<!subteam^" + g + "> ").orElse("");
    }

    /** Extend all, for each duration every running approval of the group allows. */
    private Map<String, Object> extendButtons(List<Announcement> members, String groupId) {
        List<Announcement> running = members.stream().filter(a -> a.kind() == Announcement.Kind.ASK
                && a.stored() != null && a.stored().status() == Status.APPROVED && a.stored().approvedUntil() != null)
                .toList();
        if (running.isEmpty()) {
            return null;
        }
        List<Object> buttons = new ArrayList<>();
        for (ApprovalDuration d : offeredToAll(running)) {
            buttons.add(Buttons.button(EXTEND_ALL_FOR + d.code(), d.permanent() ? "Approve all permanently"
                    : "Extend all " + d.label(), groupId, buttons.isEmpty() ? "primary" : null, null));
        }
        return buttons.isEmpty() ? null
                : Map.of("type", "actions", "block_id", BLOCK_PREFIX + groupId + ":extend", "elements", buttons);
    }

    Message render(List<Announcement> unsorted, String groupId, GroupRecord group) {
        List<Announcement> members = unsorted.stream()
                .sorted(Comparator.comparing((Announcement a) -> a.change().eventTime())).toList();
        List<Announcement> asked = members.stream().filter(a -> a.kind() == Announcement.Kind.ASK).toList();
        List<Announcement> acted = members.stream().filter(a -> a.kind() == Announcement.Kind.ACTED).toList();
        List<Announcement> approved = members.stream().filter(a -> a.kind() == Announcement.Kind.APPROVED).toList();
        Announcement first = members.get(0);
        SecurityGroupChange one = first.change();
        Names accountNames = first.names();
        Set<String> sgs = new LinkedHashSet<>();
        Set<String> regions = new LinkedHashSet<>();
        members.forEach(a -> {
            sgs.add(a.change().accountId() + "/" + a.change().region() + "/" + a.change().groupId());
            regions.add(a.change().region());
        });
        String account = SlackMessages.account(one.accountId(), accountNames);
        String block = BLOCK_PREFIX + groupId;

        List<Map<String, Object>> blocks = new ArrayList<>();
        StringBuilder head = new StringBuilder().append('*').append(Mrkdwn.escape(one.actor().name(), 200))
                .append("* (").append(Mrkdwn.escape(one.actor().identityType(), 50)).append(") made *")
                .append(members.size()).append(" changes* to *").append(count(sgs.size(), "security group"))
                .append("* in *").append(Mrkdwn.escape(account, 100)).append("* / ")
                .append(Mrkdwn.escape(String.join(", ", regions), 500)).append(", ")
                .append(between(members.get(0).change().eventTime(),
                        members.get(members.size() - 1).change().eventTime()));
        blocks.add(SlackMessages.section(head.toString()));

        // a group is one principal's changes: made through sgwarden's role or under its names, all are
        String posing = SlackMessages.posingWarning(one, messages.spokeRoleName());
        if (posing != null) {
            blocks.add(SlackMessages.section(posing));
        }
        String warning = warnings(asked);
        if (warning != null) {
            blocks.add(SlackMessages.section(warning));
        }
        String unread = tagsUnread(asked);
        if (unread != null) {
            blocks.add(SlackMessages.section(unread));
        }
        String pending = notApproved(asked);
        if (pending != null) {
            blocks.add(SlackMessages.section(pending));
        }
        blocks.addAll(ruleSections(asked));
        blocks.addAll(actedSections(acted, block));
        if (!approved.isEmpty()) {
            blocks.add(context(approvedLine(approved)));
        }
        blocks.add(context(who(one)));

        String outcome = outcome(asked, group);
        if (outcome != null) {
            blocks.add(SlackMessages.section(outcome));
        }
        Map<String, Object> actions = actions(asked, group, block, groupId);
        if (actions != null) {
            blocks.add(actions);
        }
        String text = one.actor().name() + " (" + one.actor().identityType() + ") made " + members.size()
                + " changes to " + count(sgs.size(), "security group") + " in " + account;
        return SlackMessages.message(text, blocks);
    }

    private static String between(Instant first, Instant last) {
        return first.equals(last) ? "at " + SlackMessages.date(first)
                : "between " + SlackMessages.date(first) + " and " + SlackMessages.date(last);
    }

    static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Summed over the rules waiting for a decision: "3 rules open to the whole internet; 1 rule with all protocols". */
    static String warnings(List<Announcement> asked) {
        long world = 0;
        long wide = 0;
        long protocols = 0;
        long ports = 0;
        for (Announcement a : asked) {
            List<Reach> reach = a.change().reach();
            for (int i = 0; i < reach.size(); i++) {
                Rule r = a.change().rules().get(i);
                if (reach.get(i).isWorld()) {
                    world++;
                } else if (reach.get(i).isWide()) {
                    wide++;
                }
                if (r.isAllProtocols()) {
                    protocols++;
                } else if (r.isAllPorts()) {
                    ports++;
                }
            }
        }
        List<String> why = new ArrayList<>();
        if (world > 0) {
            why.add(count(world, "rule") + " open to the whole internet");
        }
        if (wide > 0) {
            why.add(count(wide, "rule") + " open to a large part of the internet");
        }
        if (protocols > 0) {
            why.add(count(protocols, "rule") + " with all protocols");
        }
        if (ports > 0) {
            why.add(count(ports, "rule") + " with all ports");
        }
        return why.isEmpty() ? null : ":warning: *Warning:* " + String.join("; ", why);
    }

    /** The approve policies held back because a tag they need is not approved yet, one line per change. */
    static String notApproved(List<Announcement> asked) {
        List<String> lines = new ArrayList<>();
        for (Announcement a : asked) {
            String line = a.verdict() == null ? null : PolicyMessages.notApproved(a.change(), a.verdict(), a.names());
            if (line != null && lines.size() < 5) {
                lines.add(line);
            }
        }
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    /** Why some of the changes asked about were not decided by a policy on tags: their groups' tags could not be read. */
    static String tagsUnread(List<Announcement> asked) {
        List<String> policies = new ArrayList<>();
        long changes = 0;
        for (Announcement a : asked) {
            if (a.verdict() != null && !a.verdict().tagsUnread().isEmpty()) {
                changes++;
                a.verdict().tagsUnread().forEach(p -> {
                    if (!policies.contains(p.name())) {
                        policies.add(p.name());
                    }
                });
            }
        }
        if (changes == 0) {
            return null;
        }
        return ":lock: For " + count(changes, "change") + " the group's tags could not be read, so "
                + (policies.size() == 1 ? "policy " : "policies ")
                + String.join(", ", policies.stream().map(n -> "*" + Mrkdwn.escape(n, 100) + "*").limit(10).toList())
                + " could not be applied: a person decides.";
    }

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
    private List<Map<String, Object>> ruleSections(List<Announcement> asked) {
        List<Line> sorted = new ArrayList<>();
        for (Announcement a : asked) {
            String mark = mark(a.stored());
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
        StringBuilder text = new StringBuilder("*").append(count(lines.size(), "rule")).append(" to decide on:*");
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

    /** A change's state in the list, once it is no longer just waiting. */
    private static String mark(StoredChange stored) {
        if (stored == null) {
            return "";
        }
        return switch (stored.status()) {
            case APPROVED -> ":white_check_mark: ";
            case REVERTED, ALREADY_GONE -> ":leftwards_arrow_with_hook: ";
            case REVERT_FAILED -> ":x: ";
            case REVERTING, EXPIRED -> ":hourglass_flowing_sand: ";
            case RESTORED -> ":arrows_counterclockwise: ";
            default -> "";
        };
    }

    /** Each change a policy reverted or quarantined, named with its policy, and Restore while it is off. */
    private List<Map<String, Object>> actedSections(List<Announcement> acted, String block) {
        List<Map<String, Object>> out = new ArrayList<>();
        int shown = 0;
        for (Announcement a : acted) {
            if (shown == ACTED_SHOWN) {
                out.add(context("… and " + (acted.size() - shown) + " more changes reverted or quarantined by"
                        + " policies: *Decide one by one* is not needed for them; each is in the ledger"));
                break;
            }
            StoredChange s = a.stored();
            // the policy that acted, as recorded; once a person restored it, the policies' verdict names it
            boolean byPolicy = s.decidedBy() != null
                    && s.decidedBy().startsWith(Decision.POLICY_PREFIX);
            String policy = "policy *" + Mrkdwn.escape(byPolicy ? s.decidedByName()
                    : a.verdict() == null ? "?" : String.valueOf(a.verdict().policyName()), 100) + "*";
            String what = switch (s.status()) {
                case QUARANTINED -> ":no_entry: Quarantined by " + policy;
                case REVERTED -> ":leftwards_arrow_with_hook: Reverted by " + policy;
                case ALREADY_GONE -> ":information_source: Already gone when " + policy + " acted";
                case REVERT_FAILED -> ":x: " + policy + " could not remove it: " + Mrkdwn.escape(s.error(), 300);
                case RESTORING -> ":hourglass_flowing_sand: Being restored (" + policy + ")";
                case RESTORED -> ":arrows_counterclockwise: Restored by @"
                        + Mrkdwn.escape(String.valueOf(s.decidedByName()), 100) + " (was " + policy + ")";
                case RESTORE_FAILED -> ":x: Restore failed: " + Mrkdwn.escape(s.error(), 300);
                default -> policy + ": " + s.status();
            };
            String text = what + ": " + Mrkdwn.escape(messages.headline(a.change(), a.names()), 2000);
            Map<String, Object> section = new LinkedHashMap<>(SlackMessages.section(text));
            section.put("block_id", block + ":" + s.changeId());
            if (s.status() == Status.QUARANTINED || s.status() == Status.REVERTED
                    || s.status() == Status.RESTORE_FAILED) {
                section.put("accessory", Buttons.button(PolicyMessages.RESTORE, "Restore", s.changeId(), "primary",
                        Buttons.confirm("Restore these rules?",
                                "The rules this change added are put back in the security group.", "Restore", false)));
            }
            out.add(section);
            shown++;
        }
        return out;
    }

    private static String approvedLine(List<Announcement> approved) {
        Map<String, Integer> byPolicy = new LinkedHashMap<>();
        approved.forEach(a -> byPolicy.merge(a.stored() != null && a.stored().decidedByName() != null
                ? a.stored().decidedByName()
                : a.verdict() == null ? "?" : a.verdict().policyName(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        byPolicy.forEach((policy, n) -> parts.add(count(n, "change") + " by policy *" + Mrkdwn.escape(policy, 100)
                + "*"));
        return ":white_check_mark: Approved at once: " + String.join(", ", parts);
    }

    private static String who(SecurityGroupChange one) {
        List<String> context = new ArrayList<>();
        if (one.actor().principalArn() != null) {
            context.add("principal `" + Mrkdwn.code(one.actor().principalArn(), 300) + "`");
        }
        if (one.actor().sourceIp() != null) {
            context.add("from " + Mrkdwn.escape(one.actor().sourceIp(), 100));
        }
        if (one.actor().userAgent() != null) {
            context.add("agent `" + Mrkdwn.code(one.actor().userAgent(), 200) + "`");
        }
        return context.isEmpty() ? "principal not recorded" : String.join(" · ", context);
    }

    /** What the group's decisions came to: counted by outcome, the failures named. Null before any. */
    String outcome(List<Announcement> asked, GroupRecord group) {
        Map<Status, Integer> by = new LinkedHashMap<>();
        List<Announcement> failed = new ArrayList<>();
        int alone = 0;
        for (Announcement a : asked) {
            Status s = a.stored() == null ? Status.PENDING : a.stored().status();
            if (failed(a)) {
                // a revert left REVERTING by a stopped instance counts as failed: Deny again retries it
                s = Status.REVERT_FAILED;
                failed.add(a);
            } else if (s == Status.PENDING && !inGroup(a)) {
                alone++;
                continue;
            }
            by.merge(s, 1, Integer::sum);
        }
        boolean anyDecided = alone > 0
                || by.keySet().stream().anyMatch(s -> s != Status.PENDING && s != Status.ANNOUNCING);
        if (group == null || (group.lastAction() == null && !anyDecided)) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        if (group.lastAction() != null) {
            String action = group.lastAction();
            String verb = action.startsWith(EXTEND_ALL_FOR) ? ":hourglass_flowing_sand: Extend all"
                    : action.startsWith(APPROVE_ALL) ? ":white_check_mark: Approve all"
                            : action.equals(DENY_ALL) ? ":leftwards_arrow_with_hook: Deny all"
                                    : action.equals(DENY_FAILED) ? ":leftwards_arrow_with_hook: Deny again"
                                            : ":point_down: Decide one by one";
            text.append(verb).append(" by @").append(Mrkdwn.escape(String.valueOf(group.lastByName()), 100));
            if (group.lastAt() != null) {
                text.append(" at ").append(SlackMessages.date(group.lastAt()));
            }
            text.append(": ");
        }
        List<String> parts = new ArrayList<>();
        add(parts, by, Status.APPROVED, "approved");
        add(parts, by, Status.REVERTED, "reverted");
        add(parts, by, Status.ALREADY_GONE, "already gone");
        add(parts, by, Status.REVERT_FAILED, "failed");
        add(parts, by, Status.REVERTING, "reverting");
        add(parts, by, Status.EXPIRED, "expired, reverting");
        add(parts, by, Status.RESTORED, "restored");
        if (alone > 0) {
            parts.add(alone + " waiting, each in its own message below");
        }
        add(parts, by, Status.PENDING, "still waiting");
        text.append(String.join(", ", parts));
        Instant until = asked.stream().map(Announcement::stored).filter(s -> s != null && s.approvedUntil() != null)
                .map(StoredChange::approvedUntil).max(Comparator.naturalOrder()).orElse(null);
        if (until != null && by.getOrDefault(Status.APPROVED, 0) > 0) {
            text.append(" (approved until ").append(SlackMessages.until(until)).append(')');
        }
        int shown = 0;
        for (Announcement a : failed) {
            if (shown++ == FAILED_SHOWN) {
                text.append("\n• … and ").append(failed.size() - FAILED_SHOWN).append(" more failed");
                break;
            }
            text.append("\n• :x: *").append(Mrkdwn.escape(SlackMessages.group(a.change(), a.names()), 200))
                    .append("* ").append(Mrkdwn.escape(a.change().region(), 30)).append(": ")
                    .append(a.stored().error() != null ? Mrkdwn.escape(a.stored().error(), 300)
                            : "the revert did not finish (its instance stopped)");
        }
        if (!failed.isEmpty()) {
            text.append("\n*Deny again* retries only the failed ones.");
        }
        return text.toString();
    }

    private static void add(List<String> parts, Map<Status, Integer> by, Status status, String word) {
        Integer n = by.get(status);
        if (n != null && n > 0) {
            parts.add(n + " " + word);
        }
    }

    /** Not posted alone (Decide one by one) yet: its group message is where it is decided. */
    static boolean inGroup(Announcement a) {
        return a.stored() == null || a.stored().status() == Status.ANNOUNCING || a.stored().announcedIn() != null;
    }

    /** Its revert failed, or was left REVERTING by an instance that stopped: Deny again retries it. */
    private boolean failed(Announcement a) {
        return a.stored() != null && (a.stored().status() == Status.REVERT_FAILED
                || settings != null && a.stored().revertStuck(settings.revert().stuckAfter(), clock.instant()));
    }

    /** Approve all (for each duration every change allows), Deny all, Decide one by one; Deny again for failures. */
    private Map<String, Object> actions(List<Announcement> asked, GroupRecord group, String block, String groupId) {
        List<Announcement> open = asked.stream()
                .filter(a -> a.stored() == null || a.stored().status() == Status.PENDING
                        || a.stored().status() == Status.ANNOUNCING)
                .toList();
        long failed = asked.stream().filter(this::failed).count();
        List<Object> buttons = new ArrayList<>();
        // after Decide one by one the changes still open may be decided all at once too
        if (!open.isEmpty()) {
            List<ApprovalDuration> offered = offeredToAll(open);
            for (ApprovalDuration d : offered) {
                if (d.permanent()) {
                    buttons.add(
                            Buttons.button(APPROVE_ALL, offered.size() == 1 ? "Approve all" : "Approve all permanently",
                                    groupId, buttons.isEmpty() ? "primary" : null, null));
                } else {
                    buttons.add(Buttons.button(APPROVE_ALL_FOR + d.code(), "Approve all for " + d.label(), groupId,
                            buttons.isEmpty() ? "primary" : null, null));
                }
            }
            long rules = open.stream().mapToLong(a -> a.change().rules().size()).sum();
            long sgs = open.stream().map(a -> a.change().groupId()).distinct().count();
            String removes = "Deny all removes " + count(rules, "rule") + " from " + count(sgs, "security group")
                    + " (a modified rule goes back to its earlier form where it is known). Each change is decided"
                    + " alone; one decided already stays as it is.";
            buttons.add(Buttons.button(DENY_ALL, "Deny all", groupId, "danger",
                    Buttons.confirm("Revert " + count(open.size(), "change") + "?", removes, "Deny all", true)));
            if (open.stream().filter(GroupMessages::inGroup).count() > 1) {
                buttons.add(Buttons.button(ONE_BY_ONE, "Decide one by one", groupId, null, null));
            }
        }
        if (failed > 0) {
            buttons.add(Buttons.button(DENY_FAILED, "Deny again (" + failed + " failed)", groupId, "danger",
                    Buttons.confirm("Retry the failed reverts?", "Deny again retries the " + count(failed, "change")
                            + " whose revert failed, and nothing else.", "Deny again", true)));
        }
        if (buttons.isEmpty()) {
            return null;
        }
        return Map.of("type", "actions", "block_id", block, "elements", buttons);
    }

    /** The durations every open change allows: the strictest policy cap among them wins. */
    private List<ApprovalDuration> offeredToAll(List<Announcement> open) {
        List<ApprovalDuration> offered = null;
        for (Announcement a : open) {
            List<ApprovalDuration> mine = messages.offered(a.change());
            offered = offered == null ? new ArrayList<>(mine)
                    : new ArrayList<>(offered.stream().filter(d -> mine.stream()
                            .anyMatch(m -> m.code().equals(d.code()))).toList());
        }
        return offered == null ? List.of() : offered;
    }

    private static Map<String, Object> context(String mrkdwn) {
        return Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text", mrkdwn)));
    }

}
