package sgwarden.slack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import com.slack.api.model.Message;

import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.MessageRef;
import sgwarden.config.Settings;

/**
 * The one way to Slack (routes.SlackGatewayRoutes calls it), and the one place that knows which of
 * Slack's two ways sgwarden was given. With a bot token, posts go through chat.postMessage, which
 * answers with the message's ts: such a message can later be edited (chat.update) and replied to in
 * its thread. With an incoming webhook (camel-slack, in the route) there is no ts: nothing can be
 * edited or threaded, so a reply is a new message, and a clicked message is replaced through the
 * click's response_url. camel-slack returns no ts and has no chat.update; the Slack SDK client it
 * brings does both, against the same server URL. Its failures surface as camel-slack's do
 * (SlackApiException for an HTTP error such as 429, CamelExchangeException for ok=false), so the same
 * error handling applies. A message update that fails (chat.update or a response_url) throws
 * SlackResponseException: the decision stands whatever comes of it.
 */
@ApplicationScoped
@Named("slackGateway")
public class SlackGateway {

    private static final Logger LOG = Logger.getLogger(SlackGateway.class);

    @Inject
    Settings settings;
    @Inject
    ObjectMapper json;

    private volatile Slack slack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Posted with the bot token, so its ts is known: it can be edited and has a thread. */
    public boolean inPlace(@ExchangeProperty(Keys.ANNOUNCED) MessageRef announced) {
        return announced != null && announced.ts() != null;
    }

    /** A click whose response_url has not answered it yet: it can replace the clicked message. */
    public boolean clickOpen(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.ANSWERED) Boolean answered) {
        return decision != null && decision.responseUrl() != null && !Boolean.TRUE.equals(answered);
    }

    private MethodsClient methods() {
        if (slack == null) {
            synchronized (this) {
                if (slack == null) {
                    SlackConfig config = new SlackConfig();
                    String server = settings.slack().serverUrl();
                    config.setMethodsEndpointUrlPrefix((server.endsWith("/") ? server : server + "/") + "api/");
                    slack = Slack.getInstance(config);
                }
            }
        }
        return slack.methods(settings.slack().botToken().orElse(""));
    }

    /** chat.postMessage, keeping the channel ID and ts Slack answers with on the exchange. */
    public void post(@Body Message message, Exchange exchange)
            throws IOException, SlackApiException, CamelExchangeException {
        ChatPostMessageResponse response = methods().chatPostMessage(r -> r.channel(settings.slack().channel())
                .text(message.getText()).blocks(message.getBlocks()));
        if (!response.isOk()) {
            throw new CamelExchangeException("Error POSTing to Slack API: " + response.getError(), exchange);
        }
        exchange.setProperty(Keys.SLACK_TS, response.getTs());
        exchange.setProperty(Keys.SLACK_CHANNEL, response.getChannel());
    }

    /**
     * Replaces the announced message (chat.update). A failure is a failed message update, as a
     * response_url's is (SlackResponseException): the decision stands, the message stays as it was.
     */
    public void update(@Body Message message, @ExchangeProperty(Keys.ANNOUNCED) MessageRef announced,
            @ExchangeProperty(Keys.DECISION) Decision decision, @ExchangeProperty(Keys.ANSWERED) Boolean answered,
            Exchange exchange) {
        try {
            chatUpdate(message, announced.channel(), announced.ts());
        } catch (SlackResponseException e) {
            // the announcement can no longer be edited (deleted, say): a click is still answered where it
            // was made, so that the person who clicked sees the outcome
            if (!e.retryable() && clickOpen(decision, answered)) {
                LOG.warnf("%s; the clicked message is replaced through the click's response_url instead",
                        e.getMessage());
                respond(message, decision, exchange);
                return;
            }
            throw e;
        }
    }

    /** Replaces a message in the announced message's thread (Keys.THREAD_MESSAGE), such as a reminder. */
    public void updateInThread(@Body Message message, @ExchangeProperty(Keys.ANNOUNCED) MessageRef announced,
            @ExchangeProperty(Keys.THREAD_MESSAGE) String ts) {
        chatUpdate(message, announced.channel(), ts);
    }

    private void chatUpdate(Message message, String channel, String ts) {
        ChatUpdateResponse response;
        try {
            response = methods().chatUpdate(r -> r.channel(channel).ts(ts).text(message.getText())
                    .blocks(message.getBlocks()));
        } catch (SlackApiException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().code();
            throw new SlackResponseException("Slack answered " + status + " to chat.update", status == 429
                    || status / 100 == 5);
        } catch (IOException e) {
            throw new SlackResponseException("could not reach Slack to update the message: " + e, true);
        }
        if (!response.isOk()) {
            throw new SlackResponseException("Slack refused the message update: " + response.getError(),
                    "ratelimited".equals(response.getError()));
        }
    }

    /**
     * Posts in the thread of the announced message: the line of THREAD_TEXT if set, else the message. Its
     * ts is left under Keys.REPLIED.
     */
    public void reply(@Body Message message, @ExchangeProperty(Keys.ANNOUNCED) MessageRef announced,
            @ExchangeProperty(Keys.THREAD_TEXT) String line, Exchange exchange)
            throws IOException, SlackApiException, CamelExchangeException {
        ChatPostMessageResponse response = line != null
                ? methods().chatPostMessage(r -> r.channel(announced.channel()).threadTs(announced.ts()).text(line))
                : methods().chatPostMessage(r -> r.channel(announced.channel()).threadTs(announced.ts())
                        .text(message.getText()).blocks(message.getBlocks()));
        if (!response.isOk()) {
            throw new CamelExchangeException("Error replying in the Slack thread: " + response.getError(), exchange);
        }
        // kept by the routes where the reply offers something a decision ends (a reminder, a notice)
        exchange.setProperty(Keys.REPLIED, response.getTs());
    }

    /** Replaces the clicked message through the click's response_url; without one, there is nobody to answer. */
    public void respond(@Body Message message, @ExchangeProperty(Keys.DECISION) Decision decision, Exchange exchange) {
        if (decision == null || decision.responseUrl() == null) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("replace_original", true);
        body.put("text", message.getText());
        body.put("blocks", message.getBlocks());
        toResponseUrl(decision.responseUrl(), body);
        exchange.setProperty(Keys.ANSWERED, true);
    }

    /** Tells the person who clicked, and nobody else (the clicked message stays), the text. */
    public void ephemeral(@Body String text, @ExchangeProperty(Keys.DECISION) Decision decision) {
        if (decision == null || decision.responseUrl() == null) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response_type", "ephemeral");
        body.put("replace_original", false);
        body.put("text", text);
        try {
            toResponseUrl(decision.responseUrl(), body);
        } catch (SlackResponseException e) {
            // the person still gets the reason in the HTTP answer; Slack refusing the extra note
            // (a response_url used up after five posts) must not turn that answer into a 500
            LOG.warn(e.getMessage());
        }
    }

    private void toResponseUrl(String url, Map<String, Object> body) {
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

    @PreDestroy
    void close() throws Exception {
        if (slack != null) {
            slack.close();
        }
    }
}
