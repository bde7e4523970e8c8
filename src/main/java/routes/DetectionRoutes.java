package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.aggregate.UseOriginalAggregationStrategy;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import sgwarden.ops.Counters;
import sgwarden.ops.DetectionRun;
import sgwarden.store.ChangeLedger;

/**
 * Detection: a change found in CloudTrail (by Lake polling or from the SQS queue) is read, let
 * through the ledger once, stored PENDING and announced in Slack with Approve and Deny.
 */
@ApplicationScoped
public class DetectionRoutes extends RouteBuilder {

    @ConfigProperty(name = "sgwarden.intake")
    String intake;

    @ConfigProperty(name = "sgwarden.slack.bot-token")
    java.util.Optional<String> botToken;

    @Inject
    ChangeLedger ledger;

    @Override
    public void configure() {
        from("timer:lake-poll?period={{sgwarden.lake.period}}&delay={{sgwarden.lake.initial-delay}}")
                .routeId("lake-poll")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .autoStartup(intake.equals("lake") || intake.equals("both"))
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

        from("aws2-sqs://sgwarden-intake?queueUrl=RAW({{sgwarden.sqs.queue-url:}})&amazonSQSClient=#sqsClient"
                + "&autoCreateQueue=false&waitTimeSeconds={{sgwarden.sqs.wait-time}}"
                + "&maxMessagesPerPoll={{sgwarden.sqs.batch-size}}&concurrentConsumers={{sgwarden.sqs.consumers}}"
                + "&attributeNames=SentTimestamp&deleteAfterRead=true")
                .routeId("sqs-intake")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .autoStartup(intake.equals("sqs") || intake.equals("both"))
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
                    .bean("auditLog", "skipped('failed call or not a rule addition')")
                    .stop()
                .end()
                .to("direct:announce");

        from("direct:announce")
                .routeId("announce-change")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .setProperty("change", body())
                // eager completion: a failed post releases the key before the exchange moves on
                .idempotentConsumer(simple("${body.eventId}"), ledger).completionEager(true).skipDuplicate(false)
                    .filter(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                        .bean("counters", "change(${header." + Counters.INTAKE + "}, 'duplicate')")
                        .bean("auditLog", "skipped('duplicate')")
                        .stop()
                    .end()
                    .bean("changeStore", "savePending")
                    .bean("slackMessages", "announcement")
                    .to(slackUri())
                    .bean("counters", "change(${header." + Counters.INTAKE + "}, 'announced')")
                    .bean("auditLog", "announced")
                .end();
    }

    /** Bot token when one is set, else the incoming webhook. */
    private String slackUri() {
        if (botToken.filter(t -> !t.isBlank()).isPresent()) {
            return "slack:{{sgwarden.slack.channel}}?token=RAW({{sgwarden.slack.bot-token}})"
                    + "&serverUrl={{sgwarden.slack.server-url}}";
        }
        return "slack:{{sgwarden.slack.channel}}?webhookUrl=RAW({{sgwarden.slack.webhook-url:}})";
    }
}
