package sgwarden.slack;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import com.slack.api.methods.SlackApiException;

import sgwarden.ops.Counters;

/**
 * Runs each time a Slack post fails. When Slack said 429 with Retry-After, the next attempt waits
 * exactly that long instead of the configured backoff (Camel reads the delay from a header).
 */
@ApplicationScoped
@Named("slackRetryAfter")
public class SlackRetryAfter implements Processor {

    // camel-slack keeps no handle on a webhook's HTTP response; its error text carries the
    // SDK's WebhookResponse, whose headers map OkHttp writes with lower-case names
    private static final Pattern IN_WEBHOOK_ERROR = Pattern.compile("code=429\\b.*?retry-after=\\[(\\d+)\\]",
            Pattern.DOTALL);

    @Inject
    Counters counters;

    @Override
    public void process(Exchange exchange) {
        counters.slackPost("failed");
        Long seconds = retryAfterSeconds(exchange.getException());
        if (seconds != null) {
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.min(seconds, 300) * 1000);
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    static Long retryAfterSeconds(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SlackApiException api && api.getResponse() != null && api.getResponse().code() == 429) {
                String header = api.getResponse().header("Retry-After");
                return header == null ? null : parse(header);
            }
            if (t.getMessage() != null) {
                Matcher m = IN_WEBHOOK_ERROR.matcher(t.getMessage());
                if (m.find()) {
                    return parse(m.group(1));
                }
            }
        }
        return null;
    }

    private static Long parse(String seconds) {
        try {
            return Long.parseLong(seconds.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
