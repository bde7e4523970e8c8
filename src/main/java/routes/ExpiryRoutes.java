package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.config.Settings;

/**
 * Approvals for a time: a timer reads the approvals past their expiry from the table's due-index
 * (a Query, so each tick reads only what is due), and each goes down Deny's revert path once,
 * whichever replica claims it first. The state is in the table: a restart loses nothing.
 */
@ApplicationScoped
public class ExpiryRoutes extends RouteBuilder {

    // @formatter:off: the route DSL is indented by hand to show its nesting

    @Inject
    Settings settings;

    /** A Query on the due-index; lazy, so the service starts without DynamoDB at hand, as the rest of it does. */
    private String dueIndex() {
        return "aws2-ddb://" + settings.table() + "?operation=Query&amazonDDBClient=#dynamoDbClient"
                + "&lazyStartProducer=true&enabledInitialDescribeTable=false";
    }

    @Override
    public void configure() {
        from("timer:due-items?period=" + settings.approval().checkPeriod().toMillis()
                + "&delay=" + settings.approval().checkPeriod().toMillis())
                .routeId("due-items")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("expiries", "query('approval', *)")
                .to(dueIndex())
                .split(header("CamelAwsDdbItems"))
                    .to("direct:expire-approval")
                .end()
                // the same tick reads the changes due for their reminder
                .bean("expiries", "query('reminder', *)")
                .to(dueIndex())
                .split(header("CamelAwsDdbItems"))
                    .to("direct:remind")
                .end()
                // and the changes held for a group by an instance that died inside the window (GroupingRoutes)
                .bean("expiries", "query('announce', *)")
                .to(dueIndex())
                .split(header("CamelAwsDdbItems"))
                    .to("direct:recover-announcement")
                .end();

        from("direct:remind")
                .routeId("remind-undecided")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("expiries", "claimReminder")
                .filter(body().isNull())
                    .stop()
                .end()
                .bean("auditLog", "reminded")
                .bean("expiryMessages", "reminder")
                .choice()
                    .when(simple("${exchangeProperty.stored.slackTs} != null"))
                        .bean("slackWebApi", "reply(${exchangeProperty.stored.slackChannel},"
                                + " ${exchangeProperty.stored.slackTs}, ${body.text}, *)")
                    .otherwise()
                        .to("direct:post-to-slack")
                .end();

        from("direct:expire-approval")
                .routeId("expire-approval")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("expiries", "claim")
                // held by another replica, or decided otherwise since the Query read it
                .filter(body().isNull())
                    .stop()
                .end()
                .bean("auditLog", "expired")
                // Deny's revert path, which records REVERTED, ALREADY_GONE or REVERT_FAILED with its audit line
                .to("direct:revert")
                .to("direct:announce-expiry");

        from("direct:announce-expiry")
                .routeId("announce-expiry")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("expiryMessages", "expired")
                .choice()
                    // bot-token mode: the announcement itself shows the outcome, and its thread says so
                    .when(simple("${exchangeProperty.stored.slackTs} != null"))
                        .bean("slackWebApi", "update(${exchangeProperty.stored.slackChannel},"
                                + " ${exchangeProperty.stored.slackTs}, ${body}, *)")
                        .bean("slackWebApi", "reply(${exchangeProperty.stored.slackChannel},"
                                + " ${exchangeProperty.stored.slackTs}, ${exchangeProperty.sgwardenExpiryOutcome}, *)")
                    // a webhook cannot edit: a new message that names the change
                    .otherwise()
                        .to("direct:post-to-slack")
                .end();
    }
    // @formatter:on
}
