package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.Keys;
import sgwarden.store.ChangeLedger;

/**
 * Attachments: a group set put on a network interface or an instance, or on the interfaces an
 * instance launch or CreateNetworkInterface created. sgwarden's own (Deny or
 * Restore setting an interface's groups) is recognized by the write it recorded; any other is read
 * through the spoke role (the interface, its instance, each group's ingress rules) and becomes one
 * change per group, announced and judged by the policies like rules added now.
 */
@ApplicationScoped
public class AttachmentRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    @Inject
    ChangeLedger ledger;

    @Override
    public void configure() {
        from("direct:attachment-found")
                .routeId("attachment-found")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .filter(simple("${body.attachment.unreadable} != null"))
                    .to("direct:attachment-unreadable")
                    .stop()
                .end()
                .to("direct:own-write")
                .split(method("attachedGroups", "expand")).stopOnException()
                    .choice()
                        // launched instances gone before they were read, their groups not named by ID
                        .when(simple("${body.attachment.unreadable} != null"))
                            .to("direct:attachment-unreadable")
                        .otherwise()
                            .to("direct:announce")
                    .end()
                .end();

        // Fail closed: a group set that cannot be read is told to a person once (the ledger claims it).
        from("direct:attachment-unreadable")
                .routeId("attachment-unreadable")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .idempotentConsumer(simple("${body.eventId}"), ledger).completionEager(true)
                    .setProperty(Keys.CHANGE, body())
                    .bean("policyMessages", "unreadable")
                    .to("direct:slack-post")
                    .setBody(exchangeProperty(Keys.CHANGE))
                    .bean("announcementRecords", "noticed")
                    .bean("counters", "attachment('unreadable')")
                    .bean("auditLog", "skipped('a group set that could not be read: a person was told')")
                .end();
    }
    // @formatter:on
}
