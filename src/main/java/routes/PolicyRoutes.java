package routes;

import static routes.Prop.prop;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;
import sgwarden.ops.Counters;

/**
 * Policies: a change just claimed is given the strictest action among its rules. ask posts today's
 * message with Approve and Deny; approve records the change as approved by the policy and posts one
 * line or nothing; revert and quarantine revoke the rules at once, through the same revert a Deny
 * uses, and then say so in Slack. The change counts as announced only once Slack accepted its post.
 * What is posted goes through direct:tell-slack, which may hold it for its group (GroupingRoutes).
 */
public class PolicyRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    private static String verdict(String field) {
        return prop(Keys.VERDICT, field);
    }
    private static final String INTAKE = "${header." + Counters.INTAKE + "}";
    /** The change the announcement is about, the body again once its message is posted. */
    static final String ANNOUNCED_CHANGE = prop(Keys.ANNOUNCEMENT, "change");

    @Override
    public void configure() {
        from("direct:decide-by-policy")
                .routeId("decide-by-policy")
                .routeConfigurationId(ErrorHandling.DETECTION)
                // the names an announcement shows are looked up while the policies decide
                .bean("names", "prefetch")
                .setProperty(Keys.VERDICT, method("policies", "evaluate"))
                .bean("policyRecords", "recordVerdict")
                .filter(simple(verdict("dryRun")))
                    .bean("policyMessages", "logWould")
                .end()
                .choice()
                    .when(simple(verdict("action") + " == 'APPROVE'"))
                        .to("direct:policy-approve")
                    .when(simple(verdict("action") + " in 'REVERT,QUARANTINE'"))
                        .to("direct:policy-revoke")
                    .otherwise()
                        .to("direct:ask-person")
                .end()
                .bean("policyCounters", "verdict");

        from("direct:ask-person")
                .routeId("ask-person")
                .routeConfigurationId(ErrorHandling.DETECTION)
                // names next to the IDs, as far as they are known within a second
                .setProperty(Keys.NAMES, method("names", "of"))
                .setProperty(Keys.ANNOUNCEMENT, method("announcements", "ask"))
                .to("direct:tell-slack");

        // Approve and Deny for a person: the change is open to a decision once Slack accepted the post.
        from("direct:post-ask")
                .routeId("post-ask")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("policyMessages", "ask")
                .to("direct:slack-post")
                // only now, with Slack's answer in hand, does the change count as announced
                .setBody(simple(ANNOUNCED_CHANGE))
                .bean("announcementRecords", "confirmAnnounced")
                .bean("counters", "change(" + INTAKE + ", 'announced')")
                .bean("auditLog", "announced");

        // Recorded APPROVED only after Slack accepted the compact message: a failed post releases the claim.
        from("direct:policy-approve")
                .routeId("policy-approve")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .setProperty(Keys.DECISION, method("policyDecisions", "of"))
                .choice()
                    // a group attached whose rules the policies all approve: nothing posted, counted; sgwarden's
                    // own load balancer group attached is posted, as every change on it is (nothing hidden)
                    .when(simple("${body.attachment} != null && " + verdict("ownGroup") + " == false"))
                        .setProperty(Keys.STORED, method("policyRecords", "approve(" + prop(Keys.DECISION) + ", false)"))
                        .bean("auditLog", "decision")
                        .bean("counters", "attachment('approved')")
                        .bean("auditLog", "skipped('a group attached whose rules the policies approve')")
                    .when(simple(verdict("post") + " == 'COMPACT'"))
                        .setProperty(Keys.ANNOUNCEMENT, method("announcements", "approved"))
                        .to("direct:tell-slack")
                    .otherwise()
                        .setProperty(Keys.STORED, method("policyRecords", "approve(" + prop(Keys.DECISION) + ", false)"))
                        .bean("auditLog", "decision")
                        .bean("counters", "change(" + INTAKE + ", 'approved-unposted')")
                        .bean("auditLog", "skipped('approved by a policy that posts nothing')")
                .end();

        // The revoke is Deny's own revert, decided by the policy; its outcome is what the message says.
        from("direct:policy-revoke")
                .routeId("policy-revoke")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .setProperty(Keys.CHANGE, body())
                .setProperty(Keys.NAMES, method("names", "of"))
                .setProperty(Keys.DECISION, method("policyDecisions", "of"))
                .bean("policyRecords", "decide")
                .setProperty(Keys.STORED, body())
                .bean("auditLog", "decision")
                .to("direct:revert")
                // the ledger's record as the revert left it, and the change kept aside before it
                .setProperty(Keys.ANNOUNCEMENT, method("announcements", "acted"))
                .to("direct:tell-slack");

        from("direct:post-policy-approved")
                .routeId("post-policy-approved")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("policyMessages", "approved")
                .to("direct:slack-post")
                .setBody(simple(ANNOUNCED_CHANGE))
                .setProperty(Keys.STORED, method("policyRecords", "approve(" + prop(Keys.DECISION) + ", true)"))
                .bean("auditLog", "decision")
                .bean("counters", "change(" + INTAKE + ", 'announced')")
                .bean("auditLog", "announced");

        from("direct:post-policy-acted")
                .routeId("post-policy-acted")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("policyMessages", "acted")
                .to("direct:slack-post")
                .bean("policyRecords", "announced")
                .setBody(simple(ANNOUNCED_CHANGE))
                .bean("counters", "change(" + INTAKE + ", 'announced')")
                .bean("auditLog", "announced");

        // A duplicate whose policy revoked it but whose message Slack never accepted: post it now,
        // without revoking again.
        from("direct:policy-unannounced")
                .routeId("policy-unannounced")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .setProperty(Keys.STORED, method("policyRecords", "unannounced"))
                .filter(exchangeProperty(Keys.STORED).isNotNull())
                    .setProperty(Keys.CHANGE, body())
                    .setProperty(Keys.VERDICT, method("policies", "evaluate"))
                    .setProperty(Keys.NAMES, method("names", "of"))
                    .setProperty(Keys.ANNOUNCEMENT, method("announcements", "acted"))
                    .bean("policyMessages", "acted")
                    .to("direct:slack-post")
                    .bean("policyRecords", "announced")
                    .setBody(simple(ANNOUNCED_CHANGE))
                    .bean("counters", "change(" + INTAKE + ", 'announced')")
                    .bean("auditLog", "announced")
                .end();
    }
    // @formatter:on
}
