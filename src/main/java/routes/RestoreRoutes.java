package routes;

import static routes.Prop.prop;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;

/**
 * Restore: a reverted change (by Deny or by a policy) or a quarantined one is put back when an
 * allowed person clicks Restore (a quarantine's Approve). The first click wins; the rules are
 * re-created through the spoke role, recorded RESTORED, and the message updated. A quarantine's
 * Deny keeps the rules off.
 */
public class RestoreRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    @Override
    public void configure() {
        from("direct:restore")
                .routeId("restore-change")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                // with Restore off (sgwarden.restore.enabled) no message offers it: a forged click is refused here
                .bean("exemptions", "restore")
                .bean("restoreRecords", "start")
                .setProperty(Keys.STORED, body())
                .bean("auditLog", "decision")
                .bean("counters", "decision('restore')")
                .wireTap("direct:reapply");

        from("direct:keep-off")
                .routeId("keep-off-change")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .bean("restoreRecords", "keepOff")
                .setProperty(Keys.STORED, body())
                .bean("auditLog", "decision")
                .bean("counters", "decision('keep-off')")
                .wireTap("direct:show-outcome");

        from("direct:reapply")
                .routeId("reapply-change")
                .routeConfigurationId(ErrorHandling.RESTORE)
                .bean("spokeRole", "request")
                .to("aws2-sts://spoke?operation=assumeRole&pojoRequest=true&stsClient=#stsClient")
                .choice()
                    // an attached group goes back on its interface
                    .when(simple(prop(Keys.STORED, "attachment")))
                        .bean("groupDetacher", "reattach")
                    .when(simple(prop(Keys.STORED, "tagging")))
                        .bean("tagRestorer", "reapply")
                    // a prefix list gets the change's entries again
                    .when(simple(prop(Keys.STORED, "prefixList")))
                        .bean("prefixListRestorer", "reapply")
                    .otherwise()
                        .bean("ruleReapplier", "reapply")
                .end()
                .bean("restoreRecords", "restored")
                .setProperty(Keys.STORED, body())
                .bean("policyCounters", "restore('RESTORED')")
                .bean("auditLog", "restore")
                .to("direct:show-revert-outcome");

        from("direct:restore-failed")
                .routeId("restore-failed")
                .routeConfigurationId(ErrorHandling.RESTORE)
                .bean("restoreRecords", "failed")
                .setProperty(Keys.STORED, body())
                .bean("policyCounters", "restore('RESTORE_FAILED')")
                .bean("auditLog", "restore")
                .to("direct:show-revert-outcome");
    }
    // @formatter:on
}
