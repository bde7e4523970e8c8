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

    static String outcomeLine(StoredChange stored, String at) {
        String approved = "Approved by @" + Mrkdwn.escape(stored.decidedByName() == null || "null".equals(stored.decidedByName())
                ? stored.decidedBy() : stored.decidedByName()) + " for " + stored.approvedFor();
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
