package routes;

import static routes.Prop.prop;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;
import sgwarden.config.Settings;
import sgwarden.grouping.GroupWindow;
import sgwarden.ops.Counters;
import sgwarden.slack.Announcement;

/**
 * Bursts: the changes one principal makes in one account without a pause longer than the quiet gap
 * (and within the window from the first) are announced as one message. Each change is stored and
 * held in the table before its SQS message is deleted; the aggregator collects the held changes in
 * memory, and once the quiet gap or the window has passed (or at the size limit) the group is posted. A group of one is posted exactly as a single change. If the instance
 * dies inside the window, the due-items timer finds the held changes in the table and announces them.
 */
@ApplicationScoped
public class GroupingRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    /** How often open groups are checked for a passed quiet gap or window: the latest a group is late. */
    static final int CLOSE_CHECK_MILLIS = 250;
    private static final String INTAKE = "${header." + Counters.INTAKE + "}";

    @Inject
    Settings settings;

    @Inject
    GroupWindow groupWindow;

    /** Why the announcement on the exchange is posted; one without any goes the way of ACTED, as before. */
    private static org.apache.camel.Predicate kind(Announcement.Kind kind) {
        return exchange -> {
            Announcement announcement = exchange.getProperty(Keys.ANNOUNCEMENT, Announcement.class);
            return announcement != null && announcement.kind() == kind;
        };
    }

    @Override
    public void configure() {
        from("direct:tell-slack")
                .routeId("tell-slack")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .choice()
                    .when(constant(settings.group().on()))
                        // held in the table first: from here on a crash loses nothing, so the SQS message may go
                        .setBody(method("announcements", "hold"))
                        .to("direct:group-window")
                    .otherwise()
                        .to("direct:post-one")
                .end();

        from("direct:post-one")
                .routeId("post-one")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .choice()
                    .when(kind(Announcement.Kind.ASK))
                        .to("direct:post-ask")
                    .when(kind(Announcement.Kind.APPROVED))
                        .to("direct:post-policy-approved")
                    .otherwise()
                        .to("direct:post-policy-acted")
                .end();

        from("direct:group-window")
                .routeId("group-window")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .aggregate(simple("${body.groupKey}"), groupWindow).id(GroupWindow.AGGREGATOR)
                    .aggregationRepository(groupWindow.repository())
                    // closed by group-close after a quiet gap or at the end of the window, or here at the size limit
                    .completionSize(settings.group().maxSize())
                    // a graceful stop announces what it holds; a crash leaves it to the due-items timer
                    .forceCompletionOnStop()
                    .to("direct:announce-group")
                .end();

        // The group's times are read from the service's clock, so a test closes a group by moving it.
        from("timer:group-close?period=" + CLOSE_CHECK_MILLIS)
                .routeId("group-close")
                .routeConfigurationId(ErrorHandling.DUE)
                .autoStartup(settings.group().on())
                .split(method("groupWindow", "due"))
                    .bean("groupWindow", "close")
                .end();

        from("direct:announce-group")
                .routeId("announce-group")
                .routeConfigurationId(ErrorHandling.DETECTION)
                // each change is taken once: a replica that found it after a crash may have taken it first
                .bean("announcements", "take")
                .choice()
                    .when(simple("${body.size} == 1"))
                        .setBody(simple("${body[0]}"))
                        .bean("announcements", "restore")
                        .to("direct:post-one")
                    .when(simple("${body.size} > 1"))
                        .to("direct:post-group")
                .end();

        from("direct:post-group")
                .routeId("post-group")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .setProperty(Keys.MEMBERS, body())
                .setProperty(Keys.GROUP, method("announcements", "openGroup"))
                .bean("groupMessages", "announcement")
                .to("direct:slack-post")
                .bean("groupStore", "posted")
                .setBody(exchangeProperty(Keys.MEMBERS))
                .bean("announcements", "changes")
                .bean("auditLog", "groupAnnounced")
                // only now, with Slack's answer in hand, does each change count as announced
                .split(exchangeProperty(Keys.MEMBERS))
                    .bean("announcements", "restore")
                    .to("direct:announced-in-group")
                .end();

        from("direct:announced-in-group")
                .routeId("announced-in-group")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .choice()
                    .when(kind(Announcement.Kind.ASK))
                        .bean("announcementRecords", "confirmAnnounced")
                    .when(kind(Announcement.Kind.APPROVED))
                        .setProperty(Keys.STORED, method("policyRecords", "approve(" + prop(Keys.DECISION) + ", true)"))
                        .bean("auditLog", "decision")
                    .otherwise()
                        .bean("policyRecords", "announced")
                .end()
                .setBody(simple(PolicyRoutes.ANNOUNCED_CHANGE))
                .bean("counters", "change(" + INTAKE + ", 'announced')")
                .bean("auditLog", "announced");

        // Held past its due time: the instance holding it died inside the window. Taken once, across replicas.
        from("direct:recover-announcement")
                .routeId("recover-announcement")
                .routeConfigurationId(ErrorHandling.DUE)
                .setBody(method("announcements", "recover"))
                .filter(body().isNotNull())
                    .log("announcing change ${body.changeId}, held by an instance that stopped inside its window")
                    .to("direct:group-window")
                .end();
    }
    // @formatter:on
}
