package sgwarden.slack;

import java.io.IOException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import com.slack.api.model.Message;

import sgwarden.change.MessageRef;
import sgwarden.config.Settings;

/**
 * The steps of the bot-token mode camel-slack cannot do: it returns neither the ts of what
 * chat.postMessage posted nor has chat.update. The Slack SDK client camel-slack itself brings does
 * them, against the same server URL. Failures surface as camel-slack's do (SlackApiException for an
 * HTTP error such as 429, CamelExchangeException for ok=false), so the same error handling applies.
 */
@ApplicationScoped
@Named("slackWebApi")
public class SlackWebApi {

    @Inject
    Settings settings;

    private volatile Slack slack;

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
        exchange.setProperty(MessageRef.TS, response.getTs());
        exchange.setProperty(MessageRef.CHANNEL, response.getChannel());
    }

    /** Replaces the message at channel/ts (chat.update). */
    public void update(String channel, String ts, Message message, Exchange exchange)
            throws IOException, SlackApiException, CamelExchangeException {
        ChatUpdateResponse response = methods().chatUpdate(r -> r.channel(channel).ts(ts).text(message.getText())
                .blocks(message.getBlocks()));
        if (!response.isOk()) {
            throw new CamelExchangeException("Error updating the Slack message: " + response.getError(), exchange);
        }
    }

    /** Posts text in the thread of the message at channel/ts. */
    public void reply(String channel, String ts, String text, Exchange exchange)
            throws IOException, SlackApiException, CamelExchangeException {
        ChatPostMessageResponse response = methods().chatPostMessage(r -> r.channel(channel).threadTs(ts).text(text));
        if (!response.isOk()) {
            throw new CamelExchangeException("Error replying in the Slack thread: " + response.getError(), exchange);
        }
    }

    /** Posts a message with blocks (buttons) in the thread of the message at channel/ts. */
    public void replyMessage(String channel, String ts, @Body Message message, Exchange exchange)
            throws IOException, SlackApiException, CamelExchangeException {
        ChatPostMessageResponse response = methods().chatPostMessage(r -> r.channel(channel).threadTs(ts)
                .text(message.getText()).blocks(message.getBlocks()));
        if (!response.isOk()) {
            throw new CamelExchangeException("Error replying in the Slack thread: " + response.getError(), exchange);
        }
    }

    @PreDestroy
    void close() throws Exception {
        if (slack != null) {
            slack.close();
        }
    }
}
