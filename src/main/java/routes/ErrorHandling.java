package routes;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteConfigurationBuilder;

import com.slack.api.methods.SlackApiException;

import software.amazon.awssdk.core.exception.SdkException;

import sgwarden.change.UnparseableRecordException;
import sgwarden.config.Settings;
import sgwarden.decision.DecisionRefusedException;
import sgwarden.decision.UnknownChangeException;
import sgwarden.lake.LakeQueryFailedException;
import sgwarden.ops.Counters;
import sgwarden.revert.RevokeThrottledException;
import sgwarden.slack.BadInteractionException;
import sgwarden.slack.RequestBody.PayloadTooLargeException;
import sgwarden.slack.RequestBody.RequestGoneException;
import sgwarden.slack.SignatureRejectedException;
import sgwarden.slack.SlackResponder.SlackResponseException;
import sgwarden.store.PolicyRecords.PolicyPreemptedException;
import sgwarden.store.ClaimHeldException;

/**
 * All error handling, in one place. Camel does not redeliver unless told, so every retry here
 * names its attempts, delay and backoff.
 */
@ApplicationScoped
public class ErrorHandling extends RouteConfigurationBuilder {

    public static final String DETECTION = "detection-errors";
    public static final String INTERACTION = "interaction-errors";
    public static final String REVERT = "revert-errors";
    public static final String RESTORE = "restore-errors";

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
                .end()
                // A Lake record that cannot be read is logged and counted; the other records go on.
                .onException(UnparseableRecordException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.detection", "skipped: ${exception.message}")
                    .bean("counters", "change(${header." + Counters.INTAKE + "}, 'unparseable')")
                .end()
                // Logged and counted by the Lake bean; the next tick runs the query again.
                .onException(LakeQueryFailedException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.detection", "${exception.message}")
                .end();

        restoreErrors();

        routeConfiguration(INTERACTION)
                .onException(SignatureRejectedException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.interaction", "refused unsigned request: ${exception.message}")
                    .process(exchange -> reply(exchange, 401, "invalid request signature"))
                .end()
                .onException(PayloadTooLargeException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.interaction", "refused: ${exception.message}")
                    .process(exchange -> reply(exchange, 413, exception(exchange)))
                .end()
                .onException(RequestGoneException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.interaction", "${exception.message}")
                    .process(exchange -> reply(exchange, 503, exception(exchange)))
                .end()
                .onException(BadInteractionException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.interaction", "bad interaction: ${exception.message}")
                    .process(exchange -> reply(exchange, 400, exception(exchange)))
                .end()
                .onException(UnknownChangeException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.interaction", "${exception.message}")
                    .process(exchange -> reply(exchange, 404, exception(exchange)))
                .end()
                // Not allowed, or decided already: the person is told privately; Slack still gets its 200.
                .onException(DecisionRefusedException.class)
                    .handled(true)
                    .log(LoggingLevel.INFO, "routes.interaction", "refused decision: ${exception.message}")
                    .bean("slackResponder", "refused")
                    .process(exchange -> reply(exchange, 200, exception(exchange)))
                .end()
                .onException(SlackResponseException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.interaction", "${exception.message}")
                .end();

        routeConfiguration(REVERT)
                .onException(RevokeThrottledException.class)
                    .maximumRedeliveries(settings.revert().retries())
                    .redeliveryDelay(settings.revert().delay())
                    .useExponentialBackOff().backOffMultiplier(2)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .handled(true)
                    .to("direct:revert-failed")
                .end()
                .onException(SlackResponseException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.revert", "${exception.message}")
                .end()
                // Anything else (STS refused, EC2 refused): REVERT_FAILED with the reason, shown in Slack.
                .onException(Exception.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.revert", "revert of ${exchangeProperty.decision.changeId} failed: ${exception.message}")
                    .to("direct:revert-failed")
                .end();
    }

    /** Restore fails as a revert does: throttling retried, anything else RESTORE_FAILED with the reason. */
    private void restoreErrors() {
        routeConfiguration(RESTORE)
                .onException(RevokeThrottledException.class)
                    .maximumRedeliveries(settings.revert().retries())
                    .redeliveryDelay(settings.revert().delay())
                    .useExponentialBackOff().backOffMultiplier(2)
                    .retryAttemptedLogLevel(LoggingLevel.WARN)
                    .handled(true)
                    .to("direct:restore-failed")
                .end()
                .onException(SlackResponseException.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.restore", "${exception.message}")
                .end()
                .onException(Exception.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "routes.restore", "restore of ${exchangeProperty.decision.changeId} failed: ${exception.message}")
                    .to("direct:restore-failed")
                .end();
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

}
