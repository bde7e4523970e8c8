package routes;

import static routes.Prop.prop;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.aggregate.UseOriginalAggregationStrategy;

import sgwarden.change.Keys;
import sgwarden.config.Settings;
import sgwarden.config.SlackSecrets;
import sgwarden.ops.Counters;
import sgwarden.ops.SqsIntakeStop;
import sgwarden.plumbing.PlumbingEvents;
import sgwarden.store.ChangeLedger;

/**
 * Detection: a change found in CloudTrail (by Lake polling or from the SQS queue) is read, claimed
 * in the ledger once, announced in Slack with Approve and Deny, and becomes PENDING once Slack has
 * accepted the post. Posts go through the Slack gateway (SlackGatewayRoutes), whose one throttle
 * paces every consumer of the instance to Slack's limit.
 */
@ApplicationScoped
public class DetectionRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    private static final String INTAKE = "${header." + Counters.INTAKE + "}";

    @Inject
    Settings settings;

    @Inject
    ChangeLedger ledger;

    @Inject
    SqsIntakeStop sqsIntakeStop;

    @Override
    public void configure() {
        getCamelContext().getManagementStrategy().addEventNotifier(sqsIntakeStop);
        from("timer:lake-poll?period=" + settings.lake().period().toMillis()
                + "&delay=" + settings.lake().initialDelay().toMillis())
                .routeId("lake-poll")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .autoStartup(settings.intake().lake() && slackSetUp())
                .bean("lakeQuery", "run")
                .setProperty(Keys.HALTED, method("detectionRun", "fresh"))
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
                + "&attributeNames=SentTimestamp&deleteAfterRead=true"
                // a message waiting for its turn or for Slack's Retry-After is kept invisible, not redelivered
                + "&visibilityTimeout=" + settings.sqs().visibilityTimeout() + "&extendMessageVisibility=true"
                + "&exceptionHandler=#sqsRollbackLog")
                .routeId(SqsIntakeStop.ROUTE)
                .routeConfigurationId(ErrorHandling.DETECTION)
                .autoStartup(settings.intake().sqs() && slackSetUp())
                .setHeader(Counters.INTAKE, constant("sqs"))
                .bean("sqsAge", "record")
                .to("direct:change-found");

        from("direct:change-found")
                .routeId("change-found")
                .routeConfigurationId(ErrorHandling.DETECTION)
                // PlumbingRoutes: sgwarden's own parts changed, or a member account's heartbeat
                .setHeader(PlumbingEvents.KIND, method("plumbingEvents", "kind"))
                .choice()
                    .when(header(PlumbingEvents.KIND).isEqualTo(PlumbingEvents.TAMPER))
                        .to("direct:tamper-found")
                        .stop()
                    .when(header(PlumbingEvents.KIND).isEqualTo(PlumbingEvents.HEARTBEAT))
                        .to("direct:heartbeat-heard")
                        .stop()
                .end()
                .bean("counters", "change(${header." + Counters.INTAKE + "}, 'seen')")
                .bean("cloudTrailParser", "parse(${body}, ${header." + Counters.INTAKE + "})")
                .filter(body().isNull())
                    .bean("counters", "change(${header." + Counters.INTAKE + "}, 'skipped')")
                    .bean("auditLog", "skipped('failed call or not a rule change')")
                    .stop()
                .end()
                .choice()
                    // groups put on an interface: AttachmentRoutes
                    .when(simple("${body.attachment} != null"))
                        .to("direct:attachment-found")
                    // tags set or removed on groups: TagRoutes
                    .when(simple("${body.tagging} != null"))
                        .to("direct:tags-found")
                    // a managed prefix list changed: PrefixListRoutes
                    .when(simple("${body.prefixList} != null"))
                        .to("direct:prefix-list-found")
                    .otherwise()
                        .to("direct:rule-forms")
                .end();

        // The ledger keeps every rule's current form: a modification is shown and undone against it.
        from("direct:rule-forms")
                .routeId("rule-forms")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("ruleForms", "recall")
                .bean("ruleForms", "remember")
                .to("direct:own-write")
                .filter(simple("${body.descriptionOnly}"))
                    .bean("auditLog", "skipped('only edits rule descriptions')")
                    .bean("counters", "skipped(" + INTAKE + ", 'description-only')")
                    .stop()
                .end()
                .to("direct:announce");

        // sgwarden's own write: through the spoke role and matching a write it recorded before making it,
        // which this consumes; the name of a role or session proves nothing. Recognized, it goes no further.
        from("direct:own-write")
                .routeId("own-write")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .setProperty(Keys.OWN_WRITE, method("ownWrites", "recognize"))
                .filter(exchangeProperty(Keys.OWN_WRITE).isNotNull())
                    .bean("auditLog", "ownWrite")
                    .choice()
                        .when(simple(prop(Keys.OWN_WRITE, "again")))
                            .bean("counters", "change(" + INTAKE + ", 'duplicate')")
                        .otherwise()
                            .bean("counters", "skipped(" + INTAKE + ", 'own-write')")
                    .end()
                    // stop ends the caller's routing too: the exchange is the same across direct:
                    .stop()
                .end();

        from("direct:announce")
                .routeId("announce-change")
                .routeConfigurationId(ErrorHandling.DETECTION)
                // eager completion: a failed post releases the key before the exchange moves on
                .idempotentConsumer(simple("${body.eventId}"), ledger).completionEager(true).skipDuplicate(false)
                    .filter(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                        .to("direct:policy-unannounced")
                        .bean("counters", "change(${header." + Counters.INTAKE + "}, 'duplicate')")
                        .bean("auditLog", "skipped('duplicate')")
                        .stop()
                    .end()
                    // anything else through sgwarden's role or under its names goes on, and its message says so
                    .setProperty(Keys.POSING, method("ownWrites", "posing"))
                    .filter(exchangeProperty(Keys.POSING).isNotNull())
                        .bean("auditLog", "posing(${body}, " + prop(Keys.POSING) + ", " + INTAKE + ")")
                        .bean("counters", "posing(" + INTAKE + ", " + prop(Keys.POSING) + ")")
                    .end()
                    .bean("announcementRecords", "saveClaimed")
                    // the policies decide what is done and posted; the change counts as announced once Slack accepted it
                    .to("direct:decide-by-policy")
                .end();
    }

    /**
     * Not while a Slack secret is still the first deployment's placeholder: every post would fail, and an
     * SQS message received ten times would go to the dead-letter queue. Unread, the changes wait on the
     * queue (its retention is a week) and are announced once the service starts with the secrets set.
     */
    private boolean slackSetUp() {
        return SlackSecrets.waitingFor(settings).isEmpty();
    }
    // @formatter:on
}
