package sgwarden.slack;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import com.slack.api.model.Message;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.names.NameLookup;
import sgwarden.names.Names;

/**
 * The clicked message once decided: the change and the outcome of the click, to replace the
 * announcement through the click's response_url (SlackGateway.respond).
 */
@ApplicationScoped
@Named("outcomeMessages")
public class OutcomeMessages {

    @Inject
    SlackMessages messages;

    @Inject
    Clock clock;
    @Inject
    PolicyMessages policyMessages;
    @Inject
    CloudTrailParser parser;
    @Inject
    NameLookup names;

    /** The announcement with its outcome; Deny stays only where a retry is possible. */
    public Message outcome(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.STORED) StoredChange stored, org.apache.camel.Exchange exchange) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        String outcome = StatusTexts.decided(decision, stored, SlackMessages.at(clock.instant()));
        // the messages in its thread (a reminder, an Extend notice) say it too
        exchange.setProperty(Keys.OUTCOME, outcome);
        // the replaced message keeps the names the announcement showed (cached, or read again within the bound)
        Names shown = names.of(change);
        List<Map<String, Object>> blocks = messages.decided(change, shown, outcome,
                stored.status() == Status.REVERT_FAILED);
        policyMessages.followUp(blocks, stored);
        // escaped mrkdwn, as this text has always been sent (SlackMessages.message would make it plain)
        Message message = new Message();
        message.setText(Mrkdwn.escape(messages.headline(change, shown)) + " — " + outcome);
        message.setBlocks(new ArrayList<>(blocks.stream().map(WireBlock::new).toList()));
        return message;
    }

    /**
     * A message in the announcement's thread (a reminder, an Extend notice) once the change is decided:
     * the outcome in place of what it asked, and no button, so that nobody reading the thread takes it
     * for an open question. The announcement above it shows the change.
     */
    public Message settled(@ExchangeProperty(Keys.OUTCOME) String outcome) {
        return SlackMessages.message("Decided: " + outcome, List.of(SlackMessages.section("*Decided:* " + outcome)));
    }

    /**
     * Where a change stands, for a thread message posted while it was being decided (the decision's own
     * line was written before that message was kept): "approved by @alice at <date>".
     */
    public String standsNow(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        String who = stored.decidedByName() != null && !"null".equals(stored.decidedByName())
                ? (stored.decidedBy() != null && stored.decidedBy().startsWith(Decision.POLICY_PREFIX) ? "policy *"
                        + Mrkdwn.escape(stored.decidedByName(), 100) + "*"
                        : "@" + Mrkdwn.escape(stored.decidedByName(), 100))
                : null;
        return stored.status().words() + (who == null ? "" : ", by " + who)
                + (stored.decidedAt() == null ? "" : " at " + SlackMessages.at(stored.decidedAt()));
    }

    /** An instant as the stores write it into a refusal (Instant.toString()). */
    private static final java.util.regex.Pattern ISO_INSTANT = java.util.regex.Pattern
            .compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z");

    /**
     * Why a click changed nothing, as the person reads it: each time a date in their own time zone. The
     * stores and decision rules word refusals with Instant's text; a person never sees that.
     */
    public String refusal(@org.apache.camel.Body String reason) {
        if (reason == null) {
            return null;
        }
        java.util.regex.Matcher m = ISO_INSTANT.matcher(reason);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher
                    .quoteReplacement(SlackMessages.dateToTheSecond(java.time.Instant.parse(m.group()))));
        }
        return m.appendTail(out).toString();
    }
}
