package routes;

import static routes.Prop.prop;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;
import sgwarden.config.Settings;
import sgwarden.config.SlackSecrets;
import sgwarden.ops.Counters;
import sgwarden.store.ChangeLedger;

/**
 * sgwarden's own plumbing, watched. A change to its rules or spoke role in a member account is
 * posted at once as a tamper alert (once per CloudTrail event, by the ledger's claim), counted, and
 * acknowledged with one click. Each member account's heartbeat keeps the time it was last heard per
 * region; a timer posts a silence once, and the heartbeat's return once, whatever the number of
 * replicas (conditional updates in the table).
 */
@ApplicationScoped
public class PlumbingRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    @Inject
    Settings settings;

    @Inject
    ChangeLedger ledger;

    /** A Query on the due-index; lazy, so the service starts without DynamoDB at hand, as the rest of it does. */
    private String dueIndex() {
        return "aws2-ddb://" + settings.table() + "?operation=Query&amazonDDBClient=#dynamoDbClient"
                + "&lazyStartProducer=true&enabledInitialDescribeTable=false";
    }

    @Override
    public void configure() {
        from("direct:tamper-found")
                .routeId("tamper-found")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("plumbingEvents", "tamper")
                .filter(body().isNull())
                    .bean("auditLog", "skipped('not a call on sgwarden parts')")
                    .bean("counters", "skipped(${header." + Counters.INTAKE + "}, 'not-plumbing')")
                    .stop()
                .end()
                // the same claim as a change's: a second delivery, or the event forwarded twice, posts nothing
                .idempotentConsumer(simple("${body.eventId}"), ledger).completionEager(true).skipDuplicate(false)
                    .filter(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                        .bean("counters", "change(${header." + Counters.INTAKE + "}, 'duplicate')")
                        .stop()
                    .end()
                    .bean("plumbingRecords", "saveTamper")
                    .setProperty(Keys.TAMPER, body())
                    .bean("plumbingMessages", "tamper")
                    .to("direct:slack-post")
                    .setBody(exchangeProperty(Keys.TAMPER))
                    .bean("plumbingRecords", "confirmTamper")
                    .bean("counters", "tamper(${body.part}, ${body.refused})")
                    .bean("auditLog", "tamper")
                .end();

        from("direct:acknowledge-tamper")
                .routeId("acknowledge-tamper")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .bean("plumbingRecords", "acknowledge")
                .bean("auditLog", "acknowledged")
                .bean("counters", "decision('acknowledge')")
                .wireTap("direct:show-acknowledged");

        from("direct:show-acknowledged")
                .routeId("show-acknowledged")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .bean("plumbingMessages", "acknowledged")
                .to("direct:slack-respond");

        from("direct:heartbeat-heard")
                .routeId("heartbeat-heard")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("plumbingEvents", "heartbeat")
                .bean("heartbeatGauges", "heard")
                .bean("counters", "heartbeat('heard')")
                .bean("plumbingRecords", "heard")
                // back after a silence that was posted: exactly one heartbeat takes the return
                .filter(body().isNotNull())
                    .setProperty(Keys.BACK, body())
                    .bean("plumbingMessages", "back")
                    .to("direct:slack-post")
                    .bean("counters", "heartbeat('back')")
                    .bean("auditLog", "heartbeat('BACK', " + prop(Keys.BACK, "account")
                            + ", " + prop(Keys.BACK, "region") + ", " + prop(Keys.BACK, "lastHeard") + ")")
                .end();

        from("timer:heartbeat-silence?period=" + settings.heartbeat().checkPeriod().toMillis()
                + "&delay=" + settings.heartbeat().checkPeriod().toMillis())
                .routeId("heartbeat-silence-timer")
                // not while waiting for the Slack secrets: no heartbeat is read then, so none is missed
                .autoStartup(SlackSecrets.waitingFor(settings).isEmpty())
                .to("direct:heartbeat-silence");

        // every replica runs this; the claim lets one of them post each silence
        from("direct:heartbeat-silence")
                .routeId("heartbeat-silence")
                .routeConfigurationId(ErrorHandling.DUE)
                .filter(method("plumbingRecords", "judging"))
                    .bean("plumbingRecords", "silentQuery")
                    .to(dueIndex())
                    .split(header("CamelAwsDdbItems"))
                        .to("direct:heartbeat-silent")
                    .end()
                .end();

        from("direct:heartbeat-silent")
                .routeId("heartbeat-silent")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("plumbingRecords", "claimSilence")
                .filter(body().isNull())
                    .stop()
                .end()
                .setProperty(Keys.SILENCE, body())
                .bean("heartbeatGauges", "known(${body.account}, ${body.region}, ${body.lastHeard})")
                .bean("plumbingMessages", "silent")
                .to("direct:slack-post")
                .setBody(exchangeProperty(Keys.SILENCE))
                .bean("plumbingRecords", "silencePosted")
                .bean("counters", "heartbeat('silent')")
                .bean("auditLog", "heartbeat('SILENT', ${body.account}, ${body.region}, ${body.lastHeard})");
    }
    // @formatter:on
}
