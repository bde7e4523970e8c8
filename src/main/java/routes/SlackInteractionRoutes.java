package routes;

import static routes.Prop.prop;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;
import sgwarden.config.Settings;

/**
 * Slack interaction: a verified click is routed by its action. Slack gets its answer at once;
 * the message update and any revert happen after it.
 */
@ApplicationScoped
public class SlackInteractionRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    @Inject
    Settings settings;

    @Override
    public void configure() {
        // no body handler: Slack signs the raw bytes, which the form parsing would otherwise consume. The
        // headers were judged, and the body read, on the event loop before this (InteractionGate).
        from("platform-http:" + settings.slack().interactionsPath() + "?httpMethodRestrict=POST&useBodyHandler=false")
                .routeId("slack-interactions")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .bean("requestBody", "read")
                .bean("slackSignature", "verify")
                // a replay of a verified request, here or at another replica, stops here
                .bean("seenRequests", "first")
                .bean("interactions", "parse")
                .setProperty(Keys.DECISION, body())
                .bean("deciders", "check")
                .choice()
                    .when(simple(prop(Keys.DECISION, "kind") + " == 'APPROVE'"))
                        .to("direct:approve")
                    .when(simple(prop(Keys.DECISION, "kind") + " == 'DENY'"))
                        .to("direct:deny")
                    .when(simple(prop(Keys.DECISION, "kind") + " == 'RESTORE'"))
                        .to("direct:restore")
                    .when(simple(prop(Keys.DECISION, "kind") + " == 'KEEP_OFF'"))
                        .to("direct:keep-off")
                    .when(simple(prop(Keys.DECISION, "kind") + " in 'APPROVE_ALL,DENY_ALL,DENY_FAILED,ONE_BY_ONE,EXTEND_ALL'"))
                        .to("direct:group-decision")
                    // ExpiryRoutes: moves an approval's expiry
                    .when(simple(prop(Keys.DECISION, "kind") + " == 'EXTEND'"))
                        .to("direct:extend")
                    // PlumbingRoutes: a tamper alert seen
                    .when(simple(prop(Keys.DECISION, "kind") + " == 'ACKNOWLEDGE'"))
                        .to("direct:acknowledge-tamper")
                    .otherwise()
                        .bean("interactions", "unknownAction")
                .end()
                .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(200))
                .setBody(constant(""));

        from("direct:approve")
                .routeId("approve-change")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .setProperty(Keys.STORED, method("decisionRecords", "find(" + prop(Keys.DECISION, "changeId") + ")"))
                .bean("approvalTerms", "check")
                .bean("decisionRecords", "decide")
                .setProperty(Keys.STORED, body())
                // an approved tag change: approve policies count its tags from now on
                .filter(simple(prop(Keys.STORED, "tagging")))
                    .bean("tagLedger", "approve")
                .end()
                .bean("counters", "decision('approve')")
                .bean("auditLog", "decision")
                .wireTap("direct:show-outcome");

        from("direct:deny")
                .routeId("deny-change")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                // no message offers Deny on sgwarden's own load balancer group: a forged click is refused here
                .setProperty(Keys.STORED, method("decisionRecords", "find(" + prop(Keys.DECISION, "changeId") + ")"))
                .bean("exemptions", "deny")
                .bean("decisionRecords", "decide")
                .setProperty(Keys.STORED, body())
                .bean("counters", "decision('deny')")
                .bean("auditLog", "decision")
                .wireTap("direct:revert");

        from("direct:show-outcome")
                .routeId("show-outcome")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .choice()
                    // clicked in a group message (a change's Restore there): the group message shows it
                    .when(exchangeProperty(Keys.GROUP).isNotNull())
                        .to("direct:show-group")
                    .otherwise()
                        .bean("outcomeMessages", "outcome")
                        // with a bot token the announcement itself, by chat.update, whichever message was
                        // clicked; through a webhook the clicked message, through the click's response_url
                        .setProperty(Keys.ANNOUNCED, simple(prop(Keys.STORED, "slackMessage")))
                        .to("direct:slack-update")
                        // and its reminder and Extend notices in the thread no longer ask anything
                        .to("direct:settle-thread")
                        // posted alone from a group (GroupDecisionRoutes): the group message lists it too
                        .to("direct:show-alone-in-group")
                .end();
    }
    // @formatter:on
}
