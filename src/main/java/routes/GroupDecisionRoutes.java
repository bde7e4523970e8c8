package routes;

import static routes.Prop.prop;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;

/**
 * A group message's buttons. Approve all and Deny all apply to each change of the group as its own
 * click would: each change keeps its own record, the first decision on it wins, and a Deny reverts
 * it through the same revert path. Deny again retries only the changes whose revert failed. Decide
 * one by one posts each change still open as its own message. The group message then shows what
 * came of each.
 */
public class GroupDecisionRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    @Override
    public void configure() {
        from("direct:group-decision")
                .routeId("group-decision")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .setProperty(Keys.GROUP, simple(prop(Keys.DECISION, "changeId")))
                // an unknown group is a 404; a duration some change's policy forbids is refused; both change nothing
                .bean("groupStore", "find(" + prop(Keys.DECISION, "changeId") + ")")
                .filter(simple(prop(Keys.DECISION, "kind") + " in 'APPROVE_ALL,EXTEND_ALL'"))
                    .setProperty(Keys.MEMBERS, method("groupStore", "members(${body})"))
                    .bean("approvalTerms", "checkGroup")
                .end()
                .filter(simple(prop(Keys.DECISION, "kind") + " == 'ONE_BY_ONE'"))
                    .bean("announcements", "checkOneByOne")
                .end()
                // a click on an older copy of the buttons (a digest in the thread) once nothing is left
                // for them: refused, so that the group message does not name it as the last action
                .filter(simple(prop(Keys.DECISION, "kind") + " != 'ONE_BY_ONE'"))
                    .bean("announcements", "checkApplies")
                .end()
                .bean("groupStore", "act")
                .bean("auditLog", "groupDecision")
                .bean("counters", "decided")
                // Slack gets its answer now; the work and the message update follow
                .wireTap("direct:group-action");

        from("direct:group-action")
                .routeId("group-action")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .choice()
                    .when(simple(prop(Keys.DECISION, "kind") + " == 'ONE_BY_ONE'"))
                        .to("direct:one-by-one")
                    .otherwise()
                        .to("direct:decide-each")
                .end();

        from("direct:decide-each")
                .routeId("decide-each")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .split(method("announcements", "decisionsFor"))
                    .setProperty(Keys.DECISION, body())
                    .choice()
                        .when(simple(prop(Keys.DECISION, "kind") + " == 'EXTEND'"))
                            .to("direct:extend-one")
                        .otherwise()
                            .to("direct:decide-one")
                    .end()
                .end()
                .to("direct:show-group");

        // one change of the group, as its own click would decide it; decided otherwise first, it is left as it is
        from("direct:decide-one")
                .routeId("decide-one")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .bean("decisionRecords", "decideIfOpen")
                .filter(body().isNotNull())
                    .setProperty(Keys.STORED, body())
                    .bean("counters", "decided")
                    .bean("auditLog", "decision")
                    .filter(simple(prop(Keys.DECISION, "kind") + " == 'DENY'"))
                        .to("direct:revert")
                    .end()
                    .filter(simple(prop(Keys.DECISION, "kind") + " == 'APPROVE'"
                            + " && " + prop(Keys.STORED, "tagging") + " == true"))
                        .bean("tagLedger", "approve")
                    .end()
                .end();

        from("direct:extend-one")
                .routeId("extend-one")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .bean("extensions", "extendIfOpen")
                .filter(body().isNotNull())
                    .bean("auditLog", "extended")
                .end();

        // Posts go through the channel's throttle like any other, with the detection's Slack retries.
        from("direct:one-by-one")
                .routeId("one-by-one")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .split(method("announcements", "stillOpen"))
                    .bean("announcements", "restore")
                    // each change taken once: a second click, or a run after a kill, posts only what is left
                    .filter(method("announcementRecords", "takeAlone"))
                        .to("direct:post-alone")
                    .end()
                .end()
                .to("direct:show-group");

        from("direct:post-alone")
                .routeId("post-alone")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .bean("policyMessages", "ask")
                .to("direct:slack-post")
                .setBody(simple(PolicyRoutes.ANNOUNCED_CHANGE))
                .bean("announcementRecords", "postedAlone");

        from("direct:show-group")
                .routeId("show-group")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .setProperty(Keys.GROUP_RECORD, method("groupStore", "find(" + prop(Keys.GROUP) + ")"))
                .setBody(method("announcements", "ofGroup"))
                .bean("groupMessages", "view")
                // in place with a bot token, however old the message; with a webhook through the click (30 minutes)
                .setProperty(Keys.ANNOUNCED, simple(prop(Keys.GROUP_RECORD, "slackMessage")))
                .to("direct:slack-update")
                .to("direct:settle-group-thread");

        // A change Decide one by one posted alone, decided since: the group message that lists it shows it too.
        from("direct:show-alone-in-group")
                .routeId("show-alone-in-group")
                .routeConfigurationId(ErrorHandling.INTERACTION)
                .filter(simple(prop(Keys.STORED, "postedAloneFrom") + " != null"))
                    .setProperty(Keys.GROUP, simple(prop(Keys.STORED, "postedAloneFrom")))
                    .to("direct:show-group")
                .end();

        // Bot-token mode: the digests posted earlier in the group message's thread (a reminder, an Extend
        // notice) say where the group stands now (Keys.OUTCOME), without their buttons; the group message
        // keeps the buttons that still make sense. The digest this exchange just posted stays as it is.
        from("direct:settle-group-thread")
                .routeId("settle-group-thread")
                .errorHandler(noErrorHandler())
                .filter(method("slackGateway", "inPlace"))
                    .split(method("groupMessages", "earlierDigests"))
                        .setProperty(Keys.THREAD_MESSAGE, body())
                        .bean("groupMessages", "settled")
                        .to("direct:slack-update-reply")
                    .end()
                .end();
    }
    // @formatter:on
}
