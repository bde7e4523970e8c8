package routes;

import static routes.Prop.prop;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;
import sgwarden.config.Settings;

/**
 * Approvals for a time: a timer reads what is due from the table's due-index (a Query per shard, so
 * each tick reads only what is due): Extend notices, approvals past their expiry (each goes down Deny's
 * revert path once, whichever replica claims it first), reminders, and changes a policy decides after
 * they were left undecided. The state is in the table: a restart loses nothing.
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

    /** Where the change was announced alone (Keys.ANNOUNCED). */
    private static final String STORED_MESSAGE = prop(Keys.STORED, "slackMessage");

    /** Announced in a group message (and not posted alone since): its group's digest speaks of it. */
    private org.apache.camel.Predicate grouped() {
        return simple(prop(Keys.STORED, "announcedIn") + " != null");
    }

    @Override
    public void configure() {
        from("timer:due-items?period=" + settings.approval().checkPeriod().toMillis()
                + "&delay=" + settings.approval().checkPeriod().toMillis())
                .routeId("due-items")
                .routeConfigurationId(ErrorHandling.DUE)
                // first the Extend notices, so that an approval shorter than the notice's lead expires on time
                .bean("dueIndex", "query('notice', *)")
                .to(dueIndex())
                .split(header("CamelAwsDdbItems"))
                    .to("direct:extend-notice")
                .end()
                .bean("dueIndex", "query('approval', *)")
                .to(dueIndex())
                .split(header("CamelAwsDdbItems"))
                    .to("direct:expire-approval")
                .end()
                // changes reminded of and still undecided, whose policy decides them now
                .bean("dueIndex", "query('escalation', *)")
                .to(dueIndex())
                .split(header("CamelAwsDdbItems"))
                    .to("direct:escalate")
                .end()
                // the same tick reads the changes due for their reminder
                .bean("dueIndex", "query('reminder', *)")
                .to(dueIndex())
                .split(header("CamelAwsDdbItems"))
                    .to("direct:remind")
                .end()
                // and the changes held for a group by an instance that died inside the window (GroupingRoutes)
                .bean("dueIndex", "query('announce', *)")
                .to(dueIndex())
                .split(header("CamelAwsDdbItems"))
                    .to("direct:recover-announcement")
                .end();

        from("direct:remind")
                .routeId("remind-undecided")
                .routeConfigurationId(ErrorHandling.DUE)
                // the policies say which of them decides the change if nobody does; the claim keeps it due for that
                .setProperty(Keys.STORED, method("dueIndex", "dueChange"))
                .setProperty(Keys.ESCALATING, method("escalations", "ofStored"))
                .bean("reminders", "claimReminder")
                .filter(body().isNull())
                    .stop()
                .end()
                .bean("auditLog", "reminded")
                .choice()
                    // announced in a group: one reminder for the group, not one per change
                    .when(grouped())
                        .setProperty(Keys.DIGEST, constant("reminder"))
                        .to("direct:group-digest")
                    .otherwise()
                        .to("direct:post-reminder")
                .end();

        from("direct:post-reminder")
                .routeId("post-reminder")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("expiryMessages", "reminder")
                .setProperty(Keys.ANNOUNCED, simple(STORED_MESSAGE))
                .to("direct:slack-reply")
                // kept, so that the decision updates it (settle-thread)
                .to("direct:keep-thread-reply");

        from("direct:expire-approval")
                .routeId("expire-approval")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("approvalExpiries", "claim")
                // held by another replica, or decided otherwise since the Query read it
                .filter(body().isNull())
                    .stop()
                .end()
                .bean("auditLog", "expired")
                // Deny's revert path, which records REVERTED, ALREADY_GONE or REVERT_FAILED with its audit line
                .to("direct:revert")
                .to("direct:announce-expiry");

        from("direct:extend-notice")
                .routeId("extend-notice")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("approvalExpiries", "claimNotice")
                .filter(body().isNull())
                    .stop()
                .end()
                .bean("auditLog", "noticed")
                .choice()
                    .when(grouped())
                        .setProperty(Keys.DIGEST, constant("notice"))
                        .to("direct:group-digest")
                    .otherwise()
                        .to("direct:post-notice")
                .end();

        from("direct:post-notice")
                .routeId("post-notice")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("expiryMessages", "notice")
                .setProperty(Keys.ANNOUNCED, simple(STORED_MESSAGE))
                .to("direct:slack-reply")
                .to("direct:keep-thread-reply");

        // The reply's ts kept on the change. Decided while the reply was posted, the decision's update of
        // the thread came before the ts was kept: this reply is settled here, with where the change stands.
        from("direct:keep-thread-reply")
                .routeId("keep-thread-reply")
                .routeConfigurationId(ErrorHandling.DUE)
                .filter(method("threadRecords", "changeReplied"))
                    .setProperty(Keys.OUTCOME, method("outcomeMessages", "standsNow"))
                    .setProperty(Keys.THREAD_MESSAGE, exchangeProperty(Keys.REPLIED))
                    .bean("outcomeMessages", "settled")
                    .to("direct:slack-update-reply")
                .end();

        // a click on Extend (SlackInteractionRoutes): within the policies' caps, then the conditional move
        from("direct:extend")
                .routeId("extend-approval")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .setProperty(Keys.STORED, method("decisionRecords", "find(" + prop(Keys.DECISION, "changeId") + ")"))
                .bean("approvalTerms", "check")
                .bean("extensions", "extend")
                .bean("auditLog", "extended")
                .wireTap("direct:show-extended");

        from("direct:show-extended")
                .routeId("show-extended")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .bean("outcomeMessages", "outcome")
                .to("direct:slack-respond")
                // the announcement shows the new expiry too, where it can be edited (the click, on the
                // Extend notice, has been answered)
                .bean("expiryMessages", "extendedAnnouncement")
                .setProperty(Keys.ANNOUNCED, simple(STORED_MESSAGE))
                .to("direct:slack-update")
                // and the thread's earlier messages (its reminder, its notices) say until when now
                .to("direct:settle-thread");

        from("direct:escalate")
                .routeId("escalate-undecided")
                .routeConfigurationId(ErrorHandling.DUE)
                .bean("escalationClaims", "claimEscalation")
                // decided by a person meanwhile, or held by another replica
                .filter(body().isNull())
                    .stop()
                .end()
                .bean("auditLog", "undecided")
                .filter(simple(prop(Keys.DECISION, "kind") + " == 'DENY'"))
                    // Deny's revert path, which records REVERTED, ALREADY_GONE or REVERT_FAILED with its audit line
                    .to("direct:revert")
                .end()
                .choice()
                    .when(grouped())
                        .setProperty(Keys.DIGEST, constant("escalated"))
                        .to("direct:group-digest")
                    .otherwise()
                        .bean("expiryMessages", "escalated")
                        .to("direct:show-due-outcome")
                .end();

        from("direct:announce-expiry")
                .routeId("announce-expiry")
                .routeConfigurationId(ErrorHandling.DUE)
                .choice()
                    .when(grouped())
                        .setProperty(Keys.DIGEST, constant("expired"))
                        .to("direct:group-digest")
                    .otherwise()
                        .bean("expiryMessages", "expired")
                        .to("direct:show-due-outcome")
                .end();

        from("direct:show-due-outcome")
                .routeId("show-due-outcome")
                .routeConfigurationId(ErrorHandling.DUE)
                // the announcement itself shows the outcome, and its thread says so; a webhook's
                // announcement cannot be edited (no click to answer): the reply is a new message naming the change
                .setProperty(Keys.ANNOUNCED, simple(STORED_MESSAGE))
                .to("direct:slack-update")
                .to("direct:slack-reply")
                // last: a thread message that cannot be updated any more keeps nothing else from Slack
                .to("direct:settle-thread")
                .to("direct:show-alone-in-group");

        // Bot-token mode: once the change is decided (Keys.OUTCOME, Keys.STORED), its reminder and Extend
        // notices in the announcement's thread say so, without their buttons. A click on one of them
        // later is refused as any click on a decided change is. Failures are the caller's, as the
        // gateway's are: a message update that failed leaves the decision as it is.
        from("direct:settle-thread")
                .routeId("settle-thread")
                .errorHandler(noErrorHandler())
                .setProperty(Keys.ANNOUNCED, simple(STORED_MESSAGE))
                .filter(method("slackGateway", "inPlace"))
                    .split(simple(prop(Keys.STORED, "threadTs")))
                        .setProperty(Keys.THREAD_MESSAGE, body())
                        .bean("outcomeMessages", "settled")
                        .to("direct:slack-update-reply")
                    .end()
                .end();
    }
    // @formatter:on
}
