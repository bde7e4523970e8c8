package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.aggregate.UseOriginalAggregationStrategy;

import sgwarden.config.Settings;
import sgwarden.ops.Counters;
import sgwarden.ops.DetectionRun;
import sgwarden.store.ChangeLedger;

/**
 * Detection: a change found in CloudTrail (by Lake polling or from the SQS queue) is read, let
 * through the ledger once, stored PENDING and announced in Slack with Approve and Deny.
 */
@ApplicationScoped
public class DetectionRoutes extends RouteBuilder {

    @Inject
    Settings settings;

    @Inject
    ChangeLedger ledger;

    @Override
    public void configure() {
        from("timer:lake-poll?period=" + settings.lake().period().toMillis()
                + "&delay=" + settings.lake().initialDelay().toMillis())
                .routeId("lake-poll")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .autoStartup(settings.intake().lake())
                .bean("lakeQuery", "run")
                .setProperty(DetectionRun.HALTED, method("detectionRun", "fresh"))
                // A part that fails (Slack or the ledger unavailable) has released its change and halts the
                // run: the parts after it wait for the next tick, so no later change overtakes an earlier
                // one. Unreadable records and duplicates do not fail their part. The run itself succeeds.
                .split(body(), new UseOriginalAggregationStrategy(false)).streaming()
                    .filter(method("detectionRun", "halted"))
                        .stop()
                    .end()
                    .setHeader(Counters.INTAKE, constant("lake"))
                    .to("direct:change-found")
                .end();

        from("aws2-sqs://sgwarden-intake?queueUrl=RAW(" + settings.sqs().queueUrl().orElse("") + ")"
                + "&amazonSQSClient=#sqsClient&autoCreateQueue=false&waitTimeSeconds=" + settings.sqs().waitTime()
                + "&maxMessagesPerPoll=" + settings.sqs().batchSize()
                + "&concurrentConsumers=" + settings.sqs().consumers()
                + "&attributeNames=SentTimestamp&deleteAfterRead=true")
                .routeId("sqs-intake")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .autoStartup(settings.intake().sqs())
                .setHeader(Counters.INTAKE, constant("sqs"))
                .bean("sqsAge", "record")
                .to("direct:change-found");

        from("direct:change-found")
                .routeId("change-found")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("counters", "change(${header." + Counters.INTAKE + "}, 'seen')")
                .bean("cloudTrailParser", "parse(${body}, ${header." + Counters.INTAKE + "})")
                .filter(body().isNull())
                    .bean("counters", "change(${header." + Counters.INTAKE + "}, 'skipped')")
                    .stop()
                .end()
                .to("direct:rule-forms");

        // The ledger keeps every rule's current form: a modification is shown and undone against it.
        from("direct:rule-forms")
                .routeId("rule-forms")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("ruleForms", "recall")
                .bean("ruleForms", "remember")
                .filter(simple("${body.descriptionOnly}"))
                    .log(LoggingLevel.INFO, "routes.detection",
                            "not announced: ${body.eventId} only edits rule descriptions")
                    .bean("counters", "skipped(${header." + Counters.INTAKE + "}, 'description-only')")
                    .stop()
                .end()
                .filter(method("spokeRole", "madeByRevert"))
                    .log(LoggingLevel.INFO, "routes.detection",
                            "not announced: ${body.eventId} is sgwarden's own revert")
                    .bean("counters", "skipped(${header." + Counters.INTAKE + "}, 'own-revert')")
                    .stop()
                .end()
                .to("direct:announce");

        from("direct:announce")
                .routeId("announce-change")
                .routeConfigurationId(ErrorHandling.DETECTION)
                // eager completion: a failed post releases the key before the exchange moves on
                .idempotentConsumer(simple("${body.eventId}"), ledger).completionEager(true).skipDuplicate(false)
                    .filter(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                        .to("direct:policy-unannounced")
                        .bean("counters", "change(${header." + Counters.INTAKE + "}, 'duplicate')")
                        .stop()
                    .end()
                    .bean("changeStore", "savePending")
                    .to("direct:decide-by-policy")
                .end();

        from("direct:post-to-slack")
                .routeId("post-to-slack")
                .errorHandler(noErrorHandler())
                .to(slackUri());
    }

    /** Bot token when one is set, else the incoming webhook. */
    private String slackUri() {
        // secrets stay Camel placeholders, resolved only when the endpoint is created, so the route model never holds them
        if (settings.slack().botMode()) {
            return "slack:{{sgwarden.slack.channel}}?token=RAW({{sgwarden.slack.bot-token}})"
                    + "&serverUrl={{sgwarden.slack.server-url}}";
        }
        return "slack:{{sgwarden.slack.channel}}?webhookUrl=RAW({{sgwarden.slack.webhook-url:}})";
    }
}
