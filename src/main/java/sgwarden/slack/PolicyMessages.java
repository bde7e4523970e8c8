package sgwarden.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import com.slack.api.model.Message;

import sgwarden.change.Keys;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.names.Names;
import sgwarden.policy.Action;
import sgwarden.policy.OwnGroup;
import sgwarden.policy.RuleVerdict;
import sgwarden.policy.Verdict;

/**
 * The messages of a change the policies had a say in: which policy each rule matched, what a dry-run
 * policy would have done, what a policy did at once, and the Restore and quarantine buttons.
 */
@ApplicationScoped
@Named("policyMessages")
public class PolicyMessages {

    private static final Logger LOG = Logger.getLogger(PolicyMessages.class);

    public static final String RESTORE = "sgwarden_restore";
    public static final String KEEP_OFF = "sgwarden_keep_off";

    /** Shown where Restore would be, while it is off. */
    public static final String RESTORE_OFF = ":lock: Restore is off in this deployment (sgwarden.restore.enabled):"
            + " put the rules back in AWS by hand if they are needed.";

    @Inject
    SlackMessages messages;

    @Inject
    Settings settings;

    /** ask: today's announcement with Approve and Deny, and what the policies made of each rule. */
    public Message ask(@ExchangeProperty(Keys.ANNOUNCEMENT) Announcement announcement) {
        SecurityGroupChange change = announcement.change();
        Verdict verdict = announcement.verdict();
        Names names = announcement.names();
        if ((change.changesAttachment() || change.changesPrefixList()) && verdict != null) {
            // an attached group: the message names the rules the policies did not approve
            List<Rule> open = verdict.rules().stream()
                    .filter(v -> v.action() != Action.APPROVE).map(RuleVerdict::rule)
                    .toList();
            if (!open.isEmpty()) {
                change = change.withRules(open);
            }
        }
        Message message = names == null ? messages.announcement(change) : messages.announcement(change, names);
        String policies = policyLines(change, verdict);
        String pending = verdict == null ? null : notApproved(change, verdict, names);
        if (pending != null) {
            policies = policies == null ? pending : policies + "\n" + pending;
        }
        if (policies != null) {
            // just above the buttons
            message.getBlocks().add(message.getBlocks().size() - 1, new WireBlock(SlackMessages.section(policies)));
        }
        return message;
    }

    /** A group set that could not be read: said plainly, as traffic may be open; nothing to click. */
    public Message unreadable(@Body SecurityGroupChange change) {
        String who = change.actor().name() + " (" + change.actor().identityType() + ")";
        String where = change.accountId() + " / " + change.region();
        String text = ":warning: *Could not read* which groups " + Mrkdwn.escape(who, 250) + " put on "
                + Mrkdwn.escape(change.attachment().target(), 100) + " in *" + Mrkdwn.escape(where, 100) + "* ("
                + Mrkdwn.escape(change.eventName(), 60) + "): " + Mrkdwn.escape(change.attachment().unreadable(), 500)
                + ". Traffic may be open: check the event in CloudTrail.";
        return SlackMessages.message("Could not read the groups " + who + " put on " + change.attachment().target()
                + " in " + where,
                List.of(SlackMessages.section(text), Map.of("type", "context", "elements",
                        List.of(Map.of("type", "mrkdwn", "text",
                                "event `" + Mrkdwn.code(change.eventId(), 100) + "`")))));
    }

    /** A prefix list change that could not be read: said plainly, as traffic may be open; nothing to click. */
    public Message unreadablePrefixList(@Body SecurityGroupChange change) {
        String who = change.actor().name() + " (" + change.actor().identityType() + ")";
        String where = change.accountId() + " / " + change.region();
        String list = change.prefixList().describe();
        String text = ":warning: *Could not read* what " + Mrkdwn.escape(who, 250) + " changed in prefix list "
                + Mrkdwn.escape(list, 300) + " in *" + Mrkdwn.escape(where, 100) + "* ("
                + Mrkdwn.escape(change.eventName(), 60) + "): " + Mrkdwn.escape(change.unreadable(), 800)
                + ". Every rule that uses the list may now allow more: check the event in CloudTrail.";
        return SlackMessages.message("Could not read what " + who + " changed in prefix list " + list + " in " + where,
                List.of(SlackMessages.section(text), Map.of("type", "context", "elements",
                        List.of(Map.of("type", "mrkdwn", "text",
                                "event `" + Mrkdwn.code(change.eventId(), 100) + "`")))));
    }

    /** approve with post: compact: one line, no buttons. */
    public Message approved(@ExchangeProperty(Keys.ANNOUNCEMENT) Announcement announcement) {
        SecurityGroupChange change = announcement.change();
        Verdict verdict = announcement.verdict();
        if (verdict.ownGroup()) {
            return ownGroup(change, announcement.names());
        }
        String text = ":white_check_mark: Approved by policy *" + Mrkdwn.escape(verdict.policyName(), 100) + "*: "
                + Mrkdwn.escape(messages.headline(change), 2500);
        return SlackMessages.message("Approved by policy " + verdict.policyName() + ": " + messages.headline(change),
                List.of(SlackMessages.section(text), Map.of("type", "context", "elements",
                        List.of(Map.of("type", "mrkdwn", "text",
                                "event `" + Mrkdwn.code(change.eventId(), 100) + "`")))));
    }

    /**
     * A change on sgwarden's own load balancer group: shown in full (nothing hidden), with why it is not
     * reverted, and nothing to click: Deny would cut Slack off from sgwarden.
     */
    Message ownGroup(SecurityGroupChange change, Names names) {
        List<Map<String, Object>> blocks = messages.decided(change, names == null ? Names.NONE : names,
                OWN_GROUP_LINE, false);
        return SlackMessages.message(messages.headline(change, names == null ? Names.NONE : names)
                + " — not reverted: " + OwnGroup.WHY, blocks);
    }

    /** The outcome line of a change on sgwarden's own load balancer group. */
    public static final String OWN_GROUP_LINE = ":shield: *Announced, never reverted:* " + OwnGroup.WHY
            + ". Deny is not offered and no policy reverts it; if this change was not expected, look at the group in"
            + " AWS.";

    /** revert and quarantine: the change, what the policy did, and what a person may do next. */
    public Message acted(@ExchangeProperty(Keys.ANNOUNCEMENT) Announcement announcement) {
        SecurityGroupChange change = announcement.change();
        Verdict verdict = announcement.verdict();
        StoredChange stored = announcement.stored();
        Names names = announcement.names();
        // the policy that acted, as recorded (a restart with another file does not rename it)
        String name = stored.decidedByName() != null ? stored.decidedByName() : verdict.policyName();
        String policy = "policy *" + Mrkdwn.escape(name, 100) + "*";
        String outcome = StatusTexts.actedAtOnce(stored, policy, settings.restore().enabled());
        boolean denyAgain = stored.status() == Status.REVERT_FAILED;
        List<Map<String, Object>> blocks = names == null ? messages.decided(change, outcome, denyAgain)
                : messages.decided(change, names, outcome, denyAgain);
        String policies = policyLines(change, verdict);
        if (policies != null && change.rules().size() > 1) {
            blocks.add(blocks.size() - (stored.status() == Status.REVERT_FAILED ? 2 : 1),
                    SlackMessages.section(policies));
        }
        followUp(blocks, stored);
        String headline = messages.headline(change) + " — " + String.valueOf(stored.decision()).toLowerCase(Locale.ROOT)
                + " by policy " + name;
        return SlackMessages.message(headline, blocks);
    }

    /**
     * Reverted (by Deny or a policy): Restore. Quarantined: Approve restores, Deny keeps off. With Restore
     * off (sgwarden.restore.enabled) neither Restore nor Approve: a quarantine's Deny alone, and a line
     * saying why.
     */
    public void followUp(List<Map<String, Object>> blocks, StoredChange stored) {
        if (!settings.restore().enabled()) {
            boolean off = stored.status() == Status.REVERTED || stored.status() == Status.RESTORE_FAILED
                    || stored.status() == Status.QUARANTINED;
            if (off) {
                blocks.add(Map.of("type", "context", "elements",
                        List.of(Map.of("type", "mrkdwn", "text", RESTORE_OFF))));
            }
            if (stored.status() == Status.QUARANTINED) {
                blocks.add(actions(Buttons.button(KEEP_OFF, "Deny", stored.changeId(), "danger", null)));
            }
            return;
        }
        if (stored.status() == Status.REVERTED || stored.status() == Status.RESTORE_FAILED) {
            blocks.add(actions(
                    Buttons.button(RESTORE, stored.status() == Status.RESTORE_FAILED ? "Restore again" : "Restore",
                            stored.changeId(), "primary", Buttons.confirm("Restore these rules?",
                                    stored.isPrefixList() ? "The change is made to the prefix list again."
                                            : "The rules this change added are put back in the security group.",
                                    "Restore", false))));
        } else if (stored.status() == Status.QUARANTINED) {
            blocks.add(actions(
                    Buttons.button(RESTORE, "Approve", stored.changeId(), "primary",
                            Buttons.confirm("Approve and restore?",
                                    stored.isPrefixList() ? "The change is made to the prefix list again."
                                            : "The quarantined rules are put back in the security group.",
                                    "Restore", false)),
                    Buttons.button(KEEP_OFF, "Deny", stored.changeId(), "danger", null)));
        }
    }

    /**
     * Why a person is asked although a policy on tags might have decided: the group's tags could not be
     * read. Null when every policy that needed them could read them.
     */
    static String tagsUnread(Verdict verdict) {
        List<String> policies = verdict.tagsUnread().stream()
                .map(p -> "*" + Mrkdwn.escape(p.name(), 100) + "* (" + p.action().word() + ")").toList();
        if (policies.isEmpty()) {
            return null;
        }
        return ":lock: The tags of this group could not be read, so " + (policies.size() == 1 ? "policy " : "policies ")
                + String.join(", ", policies) + ", which " + (policies.size() == 1 ? "matches" : "match")
                + " on tags, could not be applied" + (verdict.action() == Action.ASK ? ": a person decides." : ".");
    }

    /**
     * ":lock: tag team=platform on web is not approved yet, so policy *platform-team-trusted* did not
     * approve this change: a person decides." Null when no approve policy was held back so.
     */
    static String notApproved(SecurityGroupChange change, Verdict verdict, Names names) {
        List<RuleVerdict.NotApproved> held = verdict.notApproved();
        if (held.isEmpty()) {
            return null;
        }
        String group = names == null || names.groupName() == null || names.groupName().isBlank() ? change.groupId()
                : names.groupName();
        List<String> lines = new ArrayList<>();
        for (var n : held.stream().limit(5).toList()) {
            lines.add(":lock: " + (n.tags().contains(",") ? "tags " : "tag ") + Mrkdwn.escape(n.tags(), 300) + " on "
                    + Mrkdwn.escape(group, 300) + " is not approved yet, so policy *"
                    + Mrkdwn.escape(n.policy().name(), 100) + "* did not approve this change: a person decides.");
        }
        return String.join("\n", lines);
    }

    /** Which policy each rule matched, and under dry run what it would have done; null when no policy matched. */
    static String policyLines(SecurityGroupChange change, Verdict verdict) {
        boolean any = verdict.rules().stream().anyMatch(r -> r.policy() != null);
        String unread = tagsUnread(verdict);
        if (!any) {
            return unread;
        }
        StringBuilder text = new StringBuilder();
        if (verdict.rules().size() == 1) {
            RuleVerdict r = verdict.rules().get(0);
            text.append(":scroll: Policy *").append(Mrkdwn.escape(r.policyName(), 100)).append("*: ")
                    .append(r.policyAction().word());
        } else {
            text.append(":scroll: Policies, rule by rule:");
            int shown = 0;
            for (RuleVerdict r : verdict.rules()) {
                if (shown++ == 20) {
                    text.append("\n• … and ").append(verdict.rules().size() - 20).append(" more");
                    break;
                }
                text.append("\n• ").append(Mrkdwn.escape(r.rule().describeTraffic())).append(' ')
                        .append(change.direction().peerPreposition()).append(" `")
                        .append(Mrkdwn.code(r.rule().peer() == null ? "?" : r.rule().peer().describe(), 200))
                        .append("`: ")
                        .append(r.policy() == null ? "no policy, ask"
                                : "*" + Mrkdwn.escape(r.policyName(), 100) + "* "
                                        + r.policyAction().word())
                        .append(r.dryRun() ? " (dry run)" : "");
            }
        }
        if (verdict.dryRun()) {
            text.append("\n:test_tube: Dry run: ")
                    .append(Mrkdwn.escape(wouldLine(dryRunPolicy(verdict), verdict.wouldBe())));
        }
        if (unread != null) {
            text.append('\n').append(unread);
        }
        return text.toString();
    }

    /** "policy X would have quarantined this change", for the message and the log. */
    public static String wouldLine(String policy, Action wouldBe) {
        String verb = switch (wouldBe) {
            case APPROVE -> "approved";
            case ASK -> "asked about";
            case QUARANTINE -> "quarantined";
            case REVERT -> "reverted";
        };
        return "policy " + policy + " would have " + verb + " this change";
    }

    /** The log line of a dry run: what the policy would have done, and what is done instead. */
    public void logWould(@Body SecurityGroupChange change, @ExchangeProperty(Keys.VERDICT) Verdict verdict) {
        LOG.infof("change %s: dry run: %s; it is %s", change.eventId(),
                wouldLine(dryRunPolicy(verdict), verdict.wouldBe()),
                verdict.action() == Action.ASK ? "asked about" : verdict.action().word() + "d");
    }

    static String dryRunPolicy(Verdict verdict) {
        return verdict.rules().stream().filter(RuleVerdict::dryRun).filter(r -> r.policyAction() == verdict.wouldBe())
                .map(RuleVerdict::policyName).findFirst()
                .orElse(verdict.rules().stream().filter(RuleVerdict::dryRun).map(RuleVerdict::policyName).findFirst()
                        .orElse("?"));
    }

    @SafeVarargs
    private static Map<String, Object> actions(Map<String, Object>... buttons) {
        return Map.of("type", "actions", "block_id", SlackMessages.ACTIONS_BLOCK, "elements", List.of(buttons));
    }

}
