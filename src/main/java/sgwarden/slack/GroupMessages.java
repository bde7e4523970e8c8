package sgwarden.slack;

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

import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.names.Names;
import sgwarden.policy.OwnGroup;
import sgwarden.policy.Policy;
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

    /** Blocks of a group message carry its ID: a change's Restore there updates the group message. */
    public static final String BLOCK_PREFIX = "sgwarden_group:";

    private static final int FAILED_SHOWN = 5;

    @Inject
    SlackMessages messages;

    @Inject
    GroupTally tally;
    @Inject
    GroupButtons buttons;
    @Inject
    GroupDigest digests;
    @Inject
    GroupLists lists;

    /** The message announcing a group, before anyone decided. */
    public Message announcement(@Body List<Announcement> members, @ExchangeProperty(Keys.GROUP) String groupId) {
        return render(members, groupId, null);
    }

    /** The same message, as the changes stand now, after a group action or a change's own decision. */
    public Message view(@Body List<Announcement> members, @ExchangeProperty(Keys.GROUP) String groupId,
            @ExchangeProperty(Keys.GROUP_RECORD) GroupRecord group, org.apache.camel.Exchange exchange) {
        // the digests in its thread say it too (settled), once there is something to say
        exchange.setProperty(Keys.OUTCOME, outcome(members.stream().filter(a -> a.kind() == Announcement.Kind.ASK)
                .toList(), group));
        return render(members, groupId, group);
    }

    /**
     * The digests in the group message's thread to bring up to date: all but the one just posted
     * (Keys.REPLIED), which says what it says now; none before anything was decided or done.
     */
    public List<String> earlierDigests(@ExchangeProperty(Keys.GROUP_RECORD) GroupRecord group,
            @ExchangeProperty(Keys.REPLIED) String justPosted, @ExchangeProperty(Keys.OUTCOME) String outcome) {
        if (group == null || outcome == null) {
            return List.of();
        }
        return group.threadTs().stream().filter(ts -> !ts.equals(justPosted)).toList();
    }

    /**
     * A digest in the thread once the group has moved on: where its changes stand now, and no button;
     * the group message above keeps those that still make sense.
     */
    public Message settled(@ExchangeProperty(Keys.OUTCOME) String outcome) {
        return SlackMessages.message("Since then: " + outcome,
                List.of(SlackMessages.section("*Since then:* " + outcome
                        + "\nThe group message above shows where each change stands.")));
    }

    /**
     * What the due-items timer did to a group's changes, in one message rather than one per change:
     * the reminder, the Extend notice (with Extend all), the expiry, or the policy's decision on changes
     * left undecided; then the group as it stands.
     */
    public Message digest(@Body List<Announcement> members, @ExchangeProperty(Keys.GROUP) String groupId,
            @ExchangeProperty(Keys.GROUP_RECORD) GroupRecord group, @ExchangeProperty(Keys.DIGEST) String kind,
            @ExchangeProperty(Keys.STORED) StoredChange last,
            @ExchangeProperty(Keys.UNDECIDED_FOR) String undecidedFor,
            @ExchangeProperty(Keys.ESCALATING) Policy escalating,
            @ExchangeProperty(Keys.ESCALATE_AT) Instant at) {
        String head = digests.head(kind, last, undecidedFor, escalating, at);
        Message view = render(members, groupId, group);
        List<Map<String, Object>> blocks = new ArrayList<>();
        blocks.add(SlackMessages.section(head));
        view.getBlocks().forEach(b -> blocks.add((WireBlock) b));
        if ("notice".equals(kind)) {
            Map<String, Object> extend = buttons.extendAll(members, groupId);
            if (extend != null) {
                blocks.add(extend);
            }
        }
        return SlackMessages.message(head.replaceAll("<[^>]*>", "").trim() + " " + view.getText(), blocks);
    }

    Message render(List<Announcement> unsorted, String groupId, GroupRecord group) {
        List<Announcement> members = unsorted.stream()
                .sorted(Comparator.comparing((Announcement a) -> a.change().eventTime())).toList();
        List<Announcement> asked = members.stream().filter(a -> a.kind() == Announcement.Kind.ASK).toList();
        List<Announcement> acted = members.stream().filter(a -> a.kind() == Announcement.Kind.ACTED).toList();
        List<Announcement> approved = members.stream().filter(a -> a.kind() == Announcement.Kind.APPROVED)
                .filter(a -> !ownGroup(a)).toList();
        List<Announcement> own = members.stream().filter(a -> a.kind() == Announcement.Kind.APPROVED)
                .filter(GroupMessages::ownGroup).toList();
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
                .append(members.size()).append(" changes* to *").append(GroupTally.count(sgs.size(), "security group"))
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
        String warning = GroupTally.warnings(asked);
        if (warning != null) {
            blocks.add(SlackMessages.section(warning));
        }
        String unread = GroupTally.tagsUnread(asked);
        if (unread != null) {
            blocks.add(SlackMessages.section(unread));
        }
        String pending = GroupTally.notApproved(asked);
        if (pending != null) {
            blocks.add(SlackMessages.section(pending));
        }
        blocks.addAll(lists.rules(asked));
        blocks.addAll(lists.acted(acted, block));
        if (!own.isEmpty()) {
            blocks.add(SlackMessages.section(ownGroupLines(own)));
        }
        if (!approved.isEmpty()) {
            blocks.add(context(approvedLine(approved)));
        }
        blocks.add(context(who(one)));

        String outcome = outcome(asked, group);
        if (outcome != null) {
            blocks.add(SlackMessages.section(outcome));
        }
        Map<String, Object> actions = buttons.actions(asked, group, block, groupId);
        if (actions != null) {
            blocks.add(actions);
        }
        messages.webhookNote(blocks);
        String text = one.actor().name() + " (" + one.actor().identityType() + ") made " + members.size()
                + " changes to " + GroupTally.count(sgs.size(), "security group") + " in " + account;
        return SlackMessages.message(text, blocks);
    }

    private static String between(Instant first, Instant last) {
        // times are shown to the minute: two in the same minute read as one
        boolean sameMinute = first.truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                .equals(last.truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
        return sameMinute ? "at " + SlackMessages.date(first)
                : "between " + SlackMessages.date(first) + " and " + SlackMessages.date(last);
    }

    /** On sgwarden's own load balancer group, as the verdict (or the ledger, once posted) has it. */
    private static boolean ownGroup(Announcement a) {
        return a.verdict() != null && a.verdict().ownGroup() || a.stored() != null
                && OwnGroup.NAME.equals(a.stored().decidedByName());
    }

    /** The changes on sgwarden's own load balancer group, each in full, and why none is reverted. */
    private String ownGroupLines(List<Announcement> own) {
        StringBuilder text = new StringBuilder(PolicyMessages.OWN_GROUP_LINE);
        int shown = 0;
        for (Announcement a : own) {
            if (shown++ == FAILED_SHOWN) {
                text.append("\n• … and ").append(own.size() - FAILED_SHOWN).append(" more on that group");
                break;
            }
            text.append("\n• ").append(Mrkdwn.escape(messages.headline(a.change(), a.names()), 400));
        }
        return text.toString();
    }

    private static String approvedLine(List<Announcement> approved) {
        Map<String, Integer> byPolicy = new LinkedHashMap<>();
        approved.forEach(a -> byPolicy.merge(a.stored() != null && a.stored().decidedByName() != null
                ? a.stored().decidedByName()
                : a.verdict() == null ? "?" : a.verdict().policyName(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        byPolicy.forEach(
                (policy, n) -> parts.add(GroupTally.count(n, "change") + " by policy *" + Mrkdwn.escape(policy, 100)
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
        GroupTally.Tally counted = tally.of(asked);
        if (group == null || (group.lastAction() == null && !counted.anyDecided())) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        if (group.lastAction() != null) {
            String action = group.lastAction();
            String verb = action.startsWith(GroupButtons.EXTEND_ALL_FOR) ? ":hourglass_flowing_sand: Extend all"
                    : action.startsWith(GroupButtons.APPROVE_ALL) ? ":white_check_mark: Approve all"
                            : action.equals(GroupButtons.DENY_ALL) ? ":leftwards_arrow_with_hook: Deny all"
                                    : action.equals(GroupButtons.DENY_FAILED) ? ":leftwards_arrow_with_hook: Deny again"
                                            : ":point_down: Decide one by one";
            text.append(verb).append(" by @").append(Mrkdwn.escape(String.valueOf(group.lastByName()), 100));
            if (group.lastAt() != null) {
                text.append(" at ").append(SlackMessages.date(group.lastAt()));
            }
            text.append(": ");
        }
        List<String> parts = new ArrayList<>();
        Map<Status, Integer> by = counted.by();
        List<Announcement> failed = counted.failed();
        int alone = counted.alone();
        StatusTexts.TALLIED.forEach(status -> add(parts, by, status));
        if (alone > 0) {
            parts.add(alone + " waiting, each in its own message below");
        }
        add(parts, by, Status.PENDING);
        text.append(String.join(", ", parts));
        Instant until = counted.approvedUntil();
        if (until != null && counted.of(Status.APPROVED) > 0) {
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

    private static void add(List<String> parts, Map<Status, Integer> by, Status status) {
        Integer n = by.get(status);
        if (n != null && n > 0) {
            parts.add(n + " " + StatusTexts.tallied(status));
        }
    }

    static Map<String, Object> context(String mrkdwn) {
        return Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text", mrkdwn)));
    }

}
