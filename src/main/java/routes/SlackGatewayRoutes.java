package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;
import sgwarden.config.Settings;

/**
 * The one way to Slack. Every other route says what it wants (a post, an update of an announced
 * message, a reply in its thread, an answer to a click) and the gateway does it the way sgwarden was
 * given: with a bot token (the slackGateway bean, through the Slack SDK) or with an incoming webhook
 * (camel-slack), which can neither edit nor thread. None of these routes has an error handler of its
 * own: a failure goes back to the caller, whose error handling (ErrorHandling) applies as if it had
 * made the call itself.
 */
@ApplicationScoped
public class SlackGatewayRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    @Inject
    Settings settings;

    @Override
    public void configure() {
        // One throttle for every post of the instance (Lake run and all SQS consumers alike): at most
        // `burst` posts in any window of burst/rate seconds, which keeps within Slack's 1 per second per
        // channel with short bursts. A failed post's retry (after Retry-After when Slack gave one) passes it again.
        from("direct:slack-post")
                .routeId("slack-post")
                .errorHandler(noErrorHandler())
                .throttle(settings.slack().burst()).timePeriodMillis(settings.slack().pacingPeriodMillis())
                    .totalRequestsMode()
                .to(postUri());

        // A message about an announced one (Keys.ANNOUNCED): in its thread, or, where it has
        // none (posted through a webhook), a new message in the channel.
        from("direct:slack-reply")
                .routeId("slack-reply")
                .errorHandler(noErrorHandler())
                .removeProperty(Keys.REPLIED)
                .choice()
                    .when(method("slackGateway", "inPlace"))
                        .bean("slackGateway", "reply")
                    .otherwise()
                        .to("direct:slack-post")
                .end()
                .removeProperty(Keys.THREAD_TEXT);

        // The announced message (Keys.ANNOUNCED) replaced: by chat.update, however old it is; a
        // webhook's message only through the response_url of a click on it (30 minutes), and not once
        // that has answered the click. Otherwise it stays as it is.
        from("direct:slack-update")
                .routeId("slack-update")
                .errorHandler(noErrorHandler())
                .choice()
                    .when(method("slackGateway", "inPlace"))
                        .bean("slackGateway", "update")
                    .when(method("slackGateway", "clickOpen"))
                        .to("direct:slack-respond")
                .end();

        // A message in the announced message's thread (Keys.THREAD_MESSAGE) replaced by chat.update;
        // a webhook's replies are messages of their own, which nothing can edit.
        from("direct:slack-update-reply")
                .routeId("slack-update-reply")
                .errorHandler(noErrorHandler())
                .filter(method("slackGateway", "inPlace"))
                    .bean("slackGateway", "updateInThread")
                .end();

        // The clicked message replaced through the click's response_url.
        from("direct:slack-respond")
                .routeId("slack-respond")
                .errorHandler(noErrorHandler())
                .bean("slackGateway", "respond");

        // The body told to the person who clicked, and to nobody else.
        from("direct:slack-ephemeral")
                .routeId("slack-ephemeral")
                .errorHandler(noErrorHandler())
                .bean("slackGateway", "ephemeral");
    }

    /**
     * With a bot token, through the SDK (the slackGateway bean): it keeps the ts that an update or a thread
     * reply needs. Otherwise the incoming webhook. The mode is fixed at start, and only its endpoint is
     * made: camel-slack refuses to start a webhook endpoint without a URL, which a bot-token deployment
     * does not have.
     */
    private String postUri() {
        return settings.slack().botMode() ? "bean:slackGateway?method=post" : webhookUri();
    }

    /** The incoming webhook. */
    private String webhookUri() {
        // secrets stay Camel placeholders, resolved only when the endpoint is created, so the route model never holds them
        return "slack:{{sgwarden.slack.channel}}?webhookUrl=RAW({{sgwarden.slack.webhook-url:}})";
    }
    // @formatter:on
}
