package routes;

import static routes.Prop.prop;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.aggregate.UseLatestAggregationStrategy;

import sgwarden.change.Keys;

/**
 * What the due-items timer does to the changes of a group message (the reminder, the Extend notice,
 * the expiry, a policy's decision on changes left undecided) is said once for the group, not once
 * per change: 60 changes approved together for an hour expire in one message. The changes of a
 * group fall due together and are read by the same tick; an aggregator per group and kind collects
 * them for a moment, and one digest is posted.
 */
public class GroupDueRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    /** How long a digest waits, after its group's latest change, for the next one from the same tick. */
    static final long COLLECT_MILLIS = 1000;

    @Override
    public void configure() {
        from("direct:group-digest")
                .routeId("group-digest")
                .routeConfigurationId(ErrorHandling.DUE)
                .aggregate(simple(prop(Keys.STORED, "announcedIn") + " " + prop(Keys.DIGEST)),
                        new UseLatestAggregationStrategy())
                    .completionTimeout(COLLECT_MILLIS)
                    .completionTimeoutCheckerInterval(200)
                    .forceCompletionOnStop()
                    .to("direct:post-digest")
                .end();

        from("direct:post-digest")
                .routeId("post-digest")
                .routeConfigurationId(ErrorHandling.DUE)
                .setProperty(Keys.GROUP, simple(prop(Keys.STORED, "announcedIn")))
                .setProperty(Keys.GROUP_RECORD, method("groupStore", "find(" + prop(Keys.GROUP) + ")"))
                .setBody(method("announcements", "ofGroup"))
                .bean("groupMessages", "digest")
                // in the group message's thread (a new message with a webhook), and the group message shows
                // where its changes stand, where it can be edited
                .setProperty(Keys.ANNOUNCED, simple(prop(Keys.GROUP_RECORD, "slackMessage")))
                .to("direct:slack-reply")
                // kept, so that the group's next update brings it up to date (settle-group-thread)
                .bean("threadRecords", "groupReplied")
                .to("direct:show-group");
    }
    // @formatter:on
}
