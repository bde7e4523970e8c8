package sgwarden.slack;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import com.slack.api.model.Message;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.names.NameLookup;
import sgwarden.names.Names;
import sgwarden.policy.Policy;

/** What the channel is told when an approval for a time expires: the change, who approved it, and what expiry did. */
@ApplicationScoped
@Named("expiryMessages")
public class ExpiryMessages {

    @Inject
    SlackMessages messages;
    @Inject
    CloudTrailParser parser;
    @Inject
    Settings settings;
    @Inject
    PolicyMessages policyMessages;

    @Inject
    Clock clock;
    /** Reminders, notices, expiries and escalations name groups and accounts as the announcement did. */
    @Inject
    NameLookup names;

    /** A new message naming the change (the click's response_url is long expired). */
    public Message expired(@ExchangeProperty(Keys.STORED) StoredChange stored, org.apache.camel.Exchange exchange) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        Names shown = names.of(change);
        String outcome = outcomeLine(stored, SlackMessages.at(clock.instant()));
        // the announcement itself shows the change: its thread gets the outcome line alone
        exchange.setProperty(Keys.THREAD_TEXT, outcome);
        exchange.setProperty(Keys.OUTCOME, outcome);
        List<Map<String, Object>> blocks = new ArrayList<>(
                messages.decided(change, shown, outcome, stored.status() == Status.REVERT_FAILED));
        // reverted at its expiry, as by Deny: Restore puts the rules back (where Restore is on)
        policyMessages.followUp(blocks, stored);
        return SlackMessages.message(messages.headline(change, shown) + " — " + outcome, blocks);
    }

    /** On a reminder: what the policy that decides undecided changes will do, and when; null if none. */
    static String escalationNote(Policy escalating, Instant at) {
        if (escalating == null || at == null) {
            return null;
        }
        return "If nobody decides, policy *" + Mrkdwn.escape(escalating.name(), 100) + "* will "
                + escalating.undecided().then() + " " + ("deny".equals(escalating.undecided().then())
                        ? "(revert)"
                        : "(approve permanently)")
                + " at " + SlackMessages.at(at) + ".";
    }

    /**
     * The reminder: the mention and how long the change has waited. With a webhook it is a new message
     * with the change and its buttons; in a thread (bot token) the text alone is used.
     */
    public Message reminder(@ExchangeProperty(Keys.STORED) StoredChange stored,
            @ExchangeProperty(Keys.ESCALATING) Policy escalating,
            @ExchangeProperty(Keys.ESCALATE_AT) Instant at, org.apache.camel.Exchange exchange) {
        String escalation = escalationNote(escalating, at);
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        Names shown = names.of(change);
        String mention = settings.reminder().userGroup().map(String::trim).filter(g -> !g.isEmpty())
                .map(g -> "<!subteam^" + g + "> ").orElse("");
        String text = mention + ":bell: Still undecided after " + hours(settings.reminder().after()) + ": "
                + Mrkdwn.escape(messages.headline(change, shown), 2000) + "."
                + (escalation == null ? "" : " " + escalation);
        Message announcement = messages.announcement(change, shown);
        java.util.List<java.util.Map<String, Object>> blocks = new java.util.ArrayList<>();
        blocks.add(SlackMessages.section(text));
        Message m = SlackMessages.message("", blocks);
        m.getBlocks().addAll(announcement.getBlocks());
        m.setText(Mrkdwn.plain(text, 3000));
        // in a thread the line is the whole message: Slack draws its mrkdwn, dates in the reader's zone
        exchange.setProperty(Keys.THREAD_TEXT, text);
        return m;
    }

    /**
     * The Extend notice: when the approval ends, and Extend buttons with what Approve offers this change
     * (within its policies' caps). In a thread (bot token) the notice and the buttons; as a new message
     * (webhook) the change is named too.
     */
    public Message notice(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        Names shown = names.of(change);
        String text = ":hourglass_flowing_sand: The approval by " + approver(stored) + " ends "
                + SlackMessages.until(stored) + ". Extend it?";
        List<Map<String, Object>> blocks = stored.slackTs() != null
                ? new ArrayList<>(List.of(SlackMessages.section(text)))
                : messages.decided(change, shown, text, false);
        List<Object> buttons = new ArrayList<>();
        for (ApprovalDuration d : messages.offered(change)) {
            buttons.add(Buttons.button(Decision.EXTEND_FOR + d.code(),
                    d.permanent() ? "Approve permanently" : "Extend " + d.label(), change.eventId(),
                    buttons.isEmpty() ? "primary" : null, null));
        }
        if (!buttons.isEmpty()) {
            blocks.add(Map.of("type", "actions", "block_id", EXTEND_BLOCK, "elements", buttons));
        }
        Message m = SlackMessages.message(text, blocks);
        m.setText(Mrkdwn.plain(text + " " + messages.headline(change, shown), 3000));
        return m;
    }

    public static final String EXTEND_BLOCK = "sgwarden_extend";

    /** Bot-token mode: the announcement, updated to show the new expiry and who moved it. */
    public Message extendedAnnouncement(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        Names shown = names.of(change);
        String outcome = ":white_check_mark: Approved by " + approver(stored) + ", extended by @"
                + Mrkdwn.escape(stored.extended())
                + (stored.approvedUntil() == null ? "" : " until " + SlackMessages.until(stored));
        return SlackMessages.message(messages.headline(change, shown) + " — " + outcome,
                messages.decided(change, shown, outcome, false));
    }

    /** A change its policy decided after it was left undecided: the message says which policy, after how long. */
    public Message escalated(@ExchangeProperty(Keys.STORED) StoredChange stored,
            @ExchangeProperty(Keys.UNDECIDED_FOR) String after, org.apache.camel.Exchange exchange) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        Names shown = names.of(change);
        String policy = "policy " + Mrkdwn.escape(stored.decidedByName());
        String at = SlackMessages.at(clock.instant());
        String outcome = StatusTexts.escalated(stored, policy, after, at);
        // the announcement itself shows the change: its thread gets the outcome line alone
        exchange.setProperty(Keys.THREAD_TEXT, outcome);
        exchange.setProperty(Keys.OUTCOME, outcome);
        List<Map<String, Object>> blocks = new ArrayList<>(
                messages.decided(change, shown, outcome, stored.status() == Status.REVERT_FAILED));
        // reverted by its policy, as by Deny: Restore puts the rules back
        policyMessages.followUp(blocks, stored);
        return SlackMessages.message(messages.headline(change, shown) + " — " + outcome, blocks);
    }

    static String approver(StoredChange stored) {
        return "@" + Mrkdwn.escape(stored.decidedByName() == null || "null".equals(stored.decidedByName())
                ? stored.decidedBy()
                : stored.decidedByName());
    }

    static String hours(java.time.Duration d) {
        if (d.toHours() > 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
            return d.toHours() + " h";
        }
        return d.toMinutes() > 0 && d.toSecondsPart() == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    static String outcomeLine(StoredChange stored, String at) {
        String approved = "Approved by " + approver(stored) + " for " + stored.approvedFor()
                + (stored.extended() == null ? "" : ", extended by @" + Mrkdwn.escape(stored.extended()));
        return StatusTexts.expired(stored, approved, at);
    }
}
