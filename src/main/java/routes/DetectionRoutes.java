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
 * Detection: a change found in CloudTrail (by Lake polling or from the SQS queue) is read, claimed
 * in the ledger once, announced in Slack with Approve and Deny, and becomes PENDING once Slack has
 * accepted the post. Posts to the channel are paced to Slack's limit by one throttle that every
 * consumer of the instance goes through.
 */
@ApplicationScoped
public class DetectionRoutes extends RouteBuilder {

    @ConfigProperty(name = "sgwarden.intake")
    String intake;

    @ConfigProperty(name = "sgwarden.slack.bot-token")
    java.util.Optional<String> botToken;

    @ConfigProperty(name = "sgwarden.slack.rate")
    double rate;

    @ConfigProperty(name = "sgwarden.slack.burst")
    int burst;

    @ConfigProperty(name = "sgwarden.sqs.visibility-timeout")
    int visibilityTimeout;

    @ConfigProperty(name = "sgwarden.sqs.batch-size")
    int batchSize;

    @ConfigProperty(name = "sgwarden.sqs.consumers")
    int consumers;

    @Inject
    ChangeLedger ledger;

    @Override
    public void configure() {
        checkPacing();
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
                + "&attributeNames=SentTimestamp&deleteAfterRead=true"
                // a message waiting for its turn or for Slack's Retry-After is kept invisible, not redelivered
                + "&visibilityTimeout={{sgwarden.sqs.visibility-timeout}}&extendMessageVisibility=true"
                + "&exceptionHandler=#sqsRollbackLog")
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
                    .stop()
                .end()
                .to("direct:announce");

        from("direct:announce")
                .routeId("announce-change")
                .routeConfigurationId(ErrorHandling.DETECTION)
                // eager completion: a failed post releases the key before the exchange moves on
                .idempotentConsumer(simple("${body.eventId}"), ledger).completionEager(true).skipDuplicate(false)
                    .filter(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                        .bean("counters", "change(${header." + Counters.INTAKE + "}, 'duplicate')")
                        .stop()
                    .end()
                    .bean("changeStore", "saveClaimed")
                    .setProperty(CHANGE, body())
                    .bean("slackMessages", "announcement")
                    .to("direct:post-to-slack")
                    // only now, with Slack's answer in hand, does the change count as announced
                    .setBody(exchangeProperty(CHANGE))
                    .bean("changeStore", "confirmAnnounced")
                    .bean("counters", "change(${header." + Counters.INTAKE + "}, 'announced')")
                .end();

        // One throttle for every post of the instance (Lake run and all SQS consumers alike): at most
        // `burst` posts in any window of burst/rate seconds, which keeps within Slack's 1 per second per
        // channel with short bursts. No error handler of its own: a failed post goes back to the caller,
        // whose retry (after Retry-After when Slack gave one) passes the throttle again.
        from("direct:post-to-slack")
                .routeId("post-to-slack")
                .errorHandler(noErrorHandler())
                .throttle(burst).timePeriodMillis(pacingPeriodMillis()).totalRequestsMode()
                .to(slackUri());
    }

    static final String CHANGE = "sgwardenChange";

    /** The window in which at most `burst` posts go out, so that the long-run rate is `rate` per second. */
    long pacingPeriodMillis() {
        return Math.round(burst * 1000.0 / rate);
    }

    /**
     * Refuses to start with pacing that cannot work: messages an SQS receive holds wait for their turn
     * at the throttle, so all that the consumers hold must be posted well within the visibility timeout.
     */
    private void checkPacing() {
        if (!(rate > 0) || rate > 100) {
            throw new IllegalArgumentException("sgwarden.slack.rate must be above 0 and at most 100 posts per second, was " + rate);
        }
        if (burst < 1 || burst > 100) {
            throw new IllegalArgumentException("sgwarden.slack.burst must be 1 to 100, was " + burst);
        }
        if (visibilityTimeout < 1 || visibilityTimeout > 43200) {
            throw new IllegalArgumentException(
                    "sgwarden.sqs.visibility-timeout must be 1 to 43200 seconds, was " + visibilityTimeout);
        }
        boolean sqs = intake.equals("sqs") || intake.equals("both");
        double held = (double) consumers * batchSize / rate;
        if (sqs && held > visibilityTimeout / 2.0) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "sgwarden.sqs.consumers x sgwarden.sqs.batch-size / sgwarden.slack.rate = %.0f s of posts held"
                            + " at once; it must be at most half of sgwarden.sqs.visibility-timeout (%d s):"
                            + " lower the batch size or the consumers, or raise the visibility timeout",
                    held, visibilityTimeout));
        }
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
