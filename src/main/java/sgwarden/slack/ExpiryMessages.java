package sgwarden.slack;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import com.slack.api.model.Message;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.SecurityGroupChange;
import sgwarden.store.Status;
import sgwarden.store.StoredChange;

/** What the channel is told when an approval for a time expires: the change, who approved it, and what expiry did. */
@ApplicationScoped
@Named("expiryMessages")
public class ExpiryMessages {

    @Inject
    SlackMessages messages;
    @Inject
    CloudTrailParser parser;
    @Inject
    sgwarden.config.Settings settings;

    /** The outcome line alone, for the reply in the announcement's thread. */
    public static final String OUTCOME = "sgwardenExpiryOutcome";

    Clock clock = Clock.systemUTC();

    /** A new message naming the change (the click's response_url is long expired). */
    public Message expired(@ExchangeProperty("stored") StoredChange stored, org.apache.camel.Exchange exchange) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        String outcome = outcomeLine(stored, SlackMessages.at(clock.instant()));
        exchange.setProperty(OUTCOME, outcome);
        Message m = SlackMessages.message(messages.headline(change) + " — " + outcome,
                messages.decided(change, outcome, stored.status() == Status.REVERT_FAILED));
        return m;
    }

    /**
     * The reminder: the mention and how long the change has waited. With a webhook it is a new message
     * with the change and its buttons; in a thread (bot token) the text alone is used.
     */
    public Message reminder(@ExchangeProperty("stored") StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        String mention = settings.reminder().userGroup().map(String::trim).filter(g -> !g.isEmpty())
                .map(g -> "<!subteam^" + g + "> ").orElse("");
        String text = mention + ":bell: Still undecided after " + hours(settings.reminder().after()) + ": "
                + Mrkdwn.escape(messages.headline(change), 2000);
        Message announcement = messages.announcement(change);
        java.util.List<java.util.Map<String, Object>> blocks = new java.util.ArrayList<>();
        blocks.add(SlackMessages.section(text));
        Message m = SlackMessages.message("", blocks);
        m.getBlocks().addAll(announcement.getBlocks());
        m.setText(text);
        return m;
    }

    static String hours(java.time.Duration d) {
        if (d.toHours() > 0 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
            return d.toHours() + " h";
        }
        return d.toMinutes() > 0 && d.toSecondsPart() == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    static String outcomeLine(StoredChange stored, String at) {
        String approved = "Approved by @"
                + Mrkdwn.escape(stored.decidedByName() == null || "null".equals(stored.decidedByName())
                        ? stored.decidedBy()
                        : stored.decidedByName())
                + " for " + stored.approvedFor();
        return switch (stored.status()) {
            case REVERTED -> ":alarm_clock: " + approved + "; expired and reverted at " + at
                    + SlackResponder.revertedHow(stored);
            case ALREADY_GONE -> ":alarm_clock: " + approved + "; expired at " + at
                    + ": the rules had already been removed by someone else, nothing left to revert";
            case REVERT_FAILED -> ":x: " + approved + "; expired at " + at + ", but the revert failed: "
                    + Mrkdwn.escape(stored.error(), 500) + ". Deny can be clicked once this is fixed.";
            default -> ":alarm_clock: " + approved + "; expired at " + at + " (" + stored.status() + ")";
        };
    }
}
