package routes;

import static routes.Prop.prop;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;

/**
 * Revert: assume the spoke role in the account that owns the group, undo exactly the change in its
 * region (revoke the rules it added, or put the rules it modified back), record the outcome and
 * show it in Slack.
 */
public class RevertRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    @Override
    public void configure() {
        from("direct:revert")
                .routeId("revert-change")
                .routeConfigurationId(ErrorHandling.REVERT)
                // sgwarden's own load balancer group is never reverted, whatever path led here
                .bean("exemptions", "revert")
                .bean("spokeRole", "request")
                .to("aws2-sts://spoke?operation=assumeRole&pojoRequest=true&stsClient=#stsClient")
                .choice()
                    // an attached group is taken off its interface; its rules stay as they are
                    .when(simple(prop(Keys.STORED, "attachment")))
                        .bean("groupDetacher", "detach")
                        .bean("revertOutcomes", "recordReverted")
                    // a tag change: the earlier tags back
                    .when(simple(prop(Keys.STORED, "tagging")))
                        .bean("tagRestorer", "revert")
                        .bean("revertOutcomes", "recordReverted")
                    // a prefix list gets its earlier entries back, in the account that owns it
                    .when(simple(prop(Keys.STORED, "prefixList")))
                        .bean("prefixListRestorer", "revert")
                        .bean("revertOutcomes", "recordReverted")
                    // a modification is undone by putting the earlier forms back; an addition by revoking
                    .when(simple(prop(Keys.STORED, "modification")))
                        .bean("ruleRestorer", "restore")
                        .bean("ruleForms", "restored")
                        .bean("revertOutcomes", "recordRestored")
                    .otherwise()
                        .bean("securityGroupRevoker", "revoke")
                        .bean("revertOutcomes", "recordReverted")
                .end()
                .setProperty(Keys.STORED, body())
                .bean("counters", "revert(${body.status})")
                .bean("auditLog", "revert")
                .to("direct:show-revert-outcome");

        from("direct:revert-failed")
                .routeId("revert-failed")
                .routeConfigurationId(ErrorHandling.REVERT)
                .bean("revertOutcomes", "recordFailure")
                .setProperty(Keys.STORED, body())
                .bean("counters", "revert('REVERT_FAILED')")
                .bean("auditLog", "revert")
                .to("direct:show-revert-outcome");

        from("direct:show-revert-outcome")
                .routeId("show-revert-outcome")
                .routeConfigurationId(ErrorHandling.REVERT)
                // a policy's or an expiry's revert has no click to answer: its own route posts its message
                .filter(simple(prop(Keys.DECISION, "responseUrl") + " != null"))
                    .to("direct:show-outcome")
                .end();
    }
    // @formatter:on
}
