package sgwarden.slack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Decision;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.names.NameLookup;
import sgwarden.names.Names;

/**
 * Answers a click through its response_url: replaces the message with the outcome, or tells the
 * person alone why their click changed nothing.
 */
@ApplicationScoped
@Named("slackResponder")
public class SlackResponder {

    private static final Logger LOG = Logger.getLogger(SlackResponder.class);

    @Inject
    SlackMessages messages;

    @Inject
    Clock clock;
    @Inject
    PolicyMessages policyMessages;
    @Inject
    CloudTrailParser parser;
    @Inject
    ObjectMapper json;
    @Inject
    NameLookup names;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Replaces the announcement with its outcome; Deny stays only where a retry is possible. */
    public void showOutcome(@ExchangeProperty("decision") Decision decision,
            @ExchangeProperty("stored") StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        String outcome = outcomeLine(decision, stored, SlackMessages.at(clock.instant()));
        // the replaced message keeps the names the announcement showed (cached, or read again within the bound)
        Names shown = names.of(change);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("replace_original", true);
        body.put("text", Mrkdwn.escape(messages.headline(change, shown)) + " — " + outcome);
        List<Map<String, Object>> blocks = messages.decided(change, shown, outcome,
                stored.status() == Status.REVERT_FAILED);
        policyMessages.followUp(blocks, stored);
        body.put("blocks", blocks);
        post(decision.responseUrl(), body);
    }

    /** Replaces the clicked message with this one (a group message after a group action). */
    public void replace(@org.apache.camel.Body com.slack.api.model.Message message,
            @ExchangeProperty("decision") Decision decision) {
        if (decision == null || decision.responseUrl() == null) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("replace_original", true);
        body.put("text", message.getText());
        body.put("blocks", message.getBlocks());
        post(decision.responseUrl(), body);
    }

    /** Tells the person who clicked, and nobody else, why nothing changed. */
    public String refused(@ExchangeProperty("decision") Decision decision,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception why) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response_type", "ephemeral");
        body.put("replace_original", false);
        body.put("text", why.getMessage());
        if (decision != null) {
            try {
                post(decision.responseUrl(), body);
            } catch (SlackResponseException e) {
                // the person still gets the reason in the HTTP answer; Slack refusing the extra note
                // (a response_url used up after five posts) must not turn that answer into a 500
                LOG.warn(e.getMessage());
            }
        }
        return why.getMessage();
    }

    static String outcomeLine(Decision decision, StoredChange stored, String at) {
        String who = decision.byPolicy() ? "policy *" + Mrkdwn.escape(decision.userName()) + "*"
                : "@" + Mrkdwn.escape(decision.userName() == null ? decision.userId() : decision.userName());
        return switch (stored.status()) {
            case APPROVED -> decision.kind() == Decision.Kind.EXTEND
                    ? ":arrows_counterclockwise: Extended by " + who + (stored.approvedUntil() != null
                            ? " until " + SlackMessages.until(stored.approvedUntil())
                            : ": approved permanently")
                    : stored.approvedUntil() != null
                            ? ":white_check_mark: Approved by " + who + " until "
                                    + SlackMessages.until(stored.approvedUntil())
                            : ":white_check_mark: Approved by " + who + " at " + SlackMessages.at(decision.at());
            case REVERTED -> decision.kind() == Decision.Kind.KEEP_OFF
                    ? ":no_entry: Denied by " + who + " at " + at + ": the quarantined rules stay off"
                    : ":leftwards_arrow_with_hook: Reverted by " + who + " at " + at + revertedHow(stored);
            case RESTORED -> ":arrows_counterclockwise: Restored by " + who + " at " + at
                    + (stored.isAttachment() ? ": the group is back on the interface"
                            : stored.isTagging() ? ": the change's tags are set again"
                                    : stored.isPrefixList() ? ": the prefix list has the change's entries again"
                                            : ": the rules are back");
            case RESTORE_FAILED -> ":x: Restore by " + who + " failed: " + Mrkdwn.escape(stored.error(), 500)
                    + ". Restore can be clicked again once this is fixed.";
            case QUARANTINED -> ":no_entry: Quarantined by " + who + " at " + at;
            case ALREADY_GONE -> ":information_source: Denied by " + who + " at " + at + (stored.isTagging()
                    ? ": the group no longer exists, no tags to put back"
                    : stored.isAttachment()
                            ? ": the group was no longer on the interface, nothing left to take off"
                            : stored.isPrefixList()
                                    ? ": the prefix list already had its earlier entries, nothing left to undo"
                                    : ": the rules had already been removed by someone else, nothing left to revert");
            case REVERT_FAILED -> ":x: Revert by " + who + " failed: " + Mrkdwn.escape(stored.error(), 500)
                    + ". Deny can be clicked again once this is fixed.";
            case REVERTING -> ":hourglass_flowing_sand: Denied by " + who + " at " + at + ", reverting…";
            default -> stored.status().name();
        };
    }

    /** For a modification: whether the rules went back to their earlier forms or were removed. */
    static String revertedHow(StoredChange stored) {
        if (stored.isTagging()) {
            return ": the earlier tags are back";
        }
        if (stored.isAttachment()) {
            return ": the group is off the interface, its rules as they were";
        }
        if (stored.isPrefixList()) {
            return ": the prefix list has its earlier entries again (for every group that uses it)";
        }
        if (!stored.isModification()) {
            return "";
        }
        long known = stored.ruleIds().stream().filter(stored.earlier()::containsKey).count();
        if (known == stored.ruleIds().size()) {
            return known == 1 ? ": the rule is back in its earlier form"
                    : ": the rules are back in their earlier forms";
        }
        if (known == 0) {
            return known == 1 || stored.ruleIds().size() == 1
                    ? ": the rule was removed (its earlier form was not known)"
                    : ": the rules were removed (their earlier forms were not known)";
        }
        return ": rules with a known earlier form are back in it, the others were removed";
    }

    private void post(String url, Map<String, Object> body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new SlackResponseException("Slack answered " + response.statusCode() + " to the message update: "
                        + abbreviate(response.body()), response.statusCode() / 100 == 5);
            }
        } catch (IOException e) {
            // a timeout or a refused connection: Slack may be back in a moment
            throw new SlackResponseException("could not reach Slack to update the message: " + e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlackResponseException("interrupted updating the Slack message", false);
        }
    }

    private static String abbreviate(String text) {
        String flat = text == null ? "" : text.replaceAll("\\p{Cntrl}", " ");
        return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
    }

    /** Failing to update a message never undoes a decision; it is logged and the message stays as it was. */
    public static class SlackResponseException extends RuntimeException {
        private final boolean retryable;

        public SlackResponseException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        /** A timeout, a connection failure or a 5xx: worth another try. A 4xx is not. */
        public boolean retryable() {
            return retryable;
        }
    }

}
