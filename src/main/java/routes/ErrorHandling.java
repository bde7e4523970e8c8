package routes;

import static routes.Prop.prop;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;

import com.slack.api.methods.SlackApiException;

import software.amazon.awssdk.core.exception.SdkException;

import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.UnknownChangeException;
import sgwarden.change.UnparseableRecordException;
import sgwarden.config.Settings;
import sgwarden.lake.LakeQueryFailedException;
import sgwarden.ops.Counters;
import sgwarden.revert.RevokeThrottledException;
import sgwarden.slack.BadInteractionException;
import sgwarden.slack.SignatureRejectedException;
import sgwarden.slack.SlackResponseException;
import sgwarden.store.ClaimHeldException;
import sgwarden.store.PolicyRecords.PolicyPreemptedException;
import sgwarden.store.SeenRequests.ReplayedRequestException;

/**
 * All error handling, in one place. Camel does not redeliver unless told, so every retry here
 * names its attempts, delay and backoff.
 */
@ApplicationScoped
public class ErrorHandling extends RouteConfigurationBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    public static final String DETECTION = "detection-errors";
    public static final String INTERACTION = "interaction-errors";
    public static final String REVERT = "revert-errors";
    public static final String DUE = "due-errors";
    public static final String RESTORE = "restore-errors";

    /** Attempts per message update through response_url; Slack allows 5 uses of one in 30 minutes. */
    static final int RESPONSE_URL_ATTEMPTS = 3;

    @Inject
    Settings settings;

    @Override
    public void configuration() {
        routeConfiguration(DETECTION)
                // Slack failed: retry with backoff (or Slack's Retry-After). If it still fails, the exception
                // is left on the exchange so the idempotent filter releases the change for the next run,
                // and an SQS message is not deleted.
                .onException(SlackApiException.class, IOException.class, CamelExchangeException.class)
                    // an AWS SDK failure (ledger unreachable) often wraps an IOException: it is not Slack's
                    .onWhen(exchange -> !(exchange.getException() instanceof SdkException))
                    .maximumRedeliveries(settings.slack().post().retries())
                    .redeliveryDelay(settings.slack().post().delay())
                    .useExponentialBackOff().backOffMultiplier(settings.slack().post().backoff())
                    .onExceptionOccurred(exchange -> exchange.getContext().getRegistry()
                            .lookupByNameAndType("slackRetryAfter", Processor.class).process(exchange))
                    .onRedelivery(exchange -> exchange.getContext().getRegistry()
                            .lookupByNameAndType("counters", Counters.class).slackPost("retried"))
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .logStackTrace(false)
                    .handled(false)
                    .bean("detectionRun", "halt")
                .end()
                // A person or another instance decided before the policy could: the change stays as they left it.
                .onException(PolicyPreemptedException.class)
                    .handled(true)
                    .log(LoggingLevel.INFO, "routes.detection", "${exception.message}")
                // Claimed by another run and not yet announced: not a duplicate. The SQS message stays on the
                // queue (it comes back after the visibility timeout) and a Lake run stops here, until the claim
                // is confirmed (then a duplicate) or stale (then taken over and announced).
                .onException(ClaimHeldException.class)
                    .handled(false)
                    .logExhausted(false)
                    .log(LoggingLevel.INFO, "routes.detection", "${exception.message}")
                    .bean("counters", "change(${header." + Counters.INTAKE + "}, 'claim-held')")
                    .bean("detectionRun", "halt")
                .end()
                // The ledger (DynamoDB) failed: the change is not claimed, the run halts, the next tick retries.
                .onException(SdkException.class)
                    .handled(false)
                    .logStackTrace(false)
                    .bean("detectionRun", "halt")
                .end()
                // An SQS body that is not a security group event stays on the queue, so that after
                // maxReceiveCount it lands in the dead-letter queue for a person to look at.
                .onException(UnparseableRecordException.class)
                    .onWhen(header(Counters.INTAKE).isEqualTo("sqs"))
                    .handled(false)
                    .logStackTrace(false)
                    .log(LoggingLevel.WARN, "routes.detection",
                            "SQS message ${header.CamelAwsSqsMessageId} left for the dead-letter queue: ${exception.message}")
                    .bean("counters", "change(${header." + Counters.INTAKE + "}, 'unparseable')")
                    .bean("auditLog", "skipped('unparseable')")
                .end()
                // A Lake record that cannot be read is logged and counted; the other records go on.
                .onException(UnparseableRecordException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.detection", "skipped: ${exception.message}")
                    .bean("counters", "change(${header." + Counters.INTAKE + "}, 'unparseable')")
                    .bean("auditLog", "skipped('unparseable')")
                .end()
                // Logged and counted by the Lake bean; the next tick runs the query again.
                .onException(LakeQueryFailedException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.detection", "${exception.message}")
                .end();

        undoErrors(RESTORE, "restore", "direct:restore-failed");

        // A refused click is logged once, by the audit line (category sgwarden.audit), with its reason.
        RouteConfigurationDefinition interaction = routeConfiguration(INTERACTION);
        interaction
                .onException(SignatureRejectedException.class)
                    .handled(true)
                    .bean("auditLog", "refused(401)")
                    .process(exchange -> reply(exchange, 401, "invalid request signature"))
                .end()
                // A signed request sent again: 409, and no reply through its response_url, which a replay
                // could otherwise use up (Slack allows 5 uses) before the real outcome is shown.
                .onException(ReplayedRequestException.class)
                    .handled(true)
                    .bean("auditLog", "refused(409)")
                    .process(exchange -> reply(exchange, 409, exception(exchange)))
                .end()
                .onException(BadInteractionException.class)
                    .handled(true)
                    .bean("auditLog", "refused(400)")
                    .process(exchange -> reply(exchange, 400, exception(exchange)))
                .end()
                .onException(UnknownChangeException.class)
                    .handled(true)
                    .bean("auditLog", "refused(404)")
                    .process(exchange -> reply(exchange, 404, exception(exchange)))
                .end()
                // Not allowed, or decided already: the person is told privately; Slack still gets its 200.
                .onException(DecisionRefusedException.class)
                    .handled(true)
                    .bean("auditLog", "refused(200)")
                    .setBody(simple("${exception.message}"))
                    .bean("outcomeMessages", "refusal")
                    .to("direct:slack-ephemeral")
                    .process(exchange -> reply(exchange, 200, exception(exchange)))
                .end();
        messageUpdates(interaction);

        dueErrors();

        undoErrors(REVERT, "revert", "direct:revert-failed");
    }

    /**
     * A message update through response_url (the outcome of a click) that timed out or got a 5xx
     * is tried again with backoff: 3 attempts in all, 1 s and then 2 s apart, well within Slack's
     * limit of 5 uses of a response_url in 30 minutes. Only the update is repeated, never the
     * decision or the revert, which stand whatever comes of it. A final failure, or a 4xx, is
     * logged and counted (sgwarden_slack_updates_total{outcome="failed"}); the message stays as it was.
     */
    private static void messageUpdates(RouteConfigurationDefinition configuration) {
        configuration
                .onException(SlackResponseException.class)
                    .onWhen(exchange -> exchange.getException(SlackResponseException.class) != null
                            && exchange.getException(SlackResponseException.class).retryable())
                    .maximumRedeliveries(RESPONSE_URL_ATTEMPTS - 1)
                    .redeliveryDelay(1000)
                    .useExponentialBackOff().backOffMultiplier(2)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .logStackTrace(false)
                    .onRedelivery(exchange -> counters(exchange).slackUpdate("retried"))
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.slack", "message update failed after " + RESPONSE_URL_ATTEMPTS
                            + " attempts, the message stays as it was: ${exception.message}")
                    .process(exchange -> counters(exchange).slackUpdate("failed"))
                .end()
                .onException(SlackResponseException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.slack",
                            "message update refused, the message stays as it was: ${exception.message}")
                    .process(exchange -> counters(exchange).slackUpdate("failed"))
                .end();
    }

    private static Counters counters(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType("counters", Counters.class);
    }

    private void dueErrors() {
        // The table unreachable, or the expiry's message refused: the tick ends; the next one reads what is
        // still due (a claimed revert that died is due again after sgwarden.revert.stuck-after).
        routeConfiguration(DUE)
                .onException(Exception.class)
                    .handled(true)
                    .logStackTrace(false)
                    .log(LoggingLevel.WARN, "routes.expiry", "expiry: ${exception.message}")
                .end();
    }

    /**
     * A revert or a restore: EC2 throttling is retried with backoff; anything else (STS refused, EC2
     * refused) ends REVERT_FAILED or RESTORE_FAILED with the reason, shown in Slack.
     */
    private void undoErrors(String id, String what, String failed) {
        RouteConfigurationDefinition undo = routeConfiguration(id);
        undo
                .onException(RevokeThrottledException.class)
                    .maximumRedeliveries(settings.revert().retries())
                    .redeliveryDelay(settings.revert().delay())
                    .useExponentialBackOff().backOffMultiplier(2)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .handled(true)
                    .to(failed)
                .end()
                .onException(Exception.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes." + what,
                            what + " of " + prop(Keys.DECISION, "changeId") + " failed: ${exception.message}")
                    .to(failed)
                .end();
        messageUpdates(undo);
    }

    private static String exception(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return e == null ? "error" : e.getMessage();
    }

    private static void reply(Exchange exchange, int status, String message) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getMessage().setBody(message);
    }

    // @formatter:on
}
