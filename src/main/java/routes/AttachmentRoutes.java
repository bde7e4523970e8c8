package routes;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.change.OwnWrite;
import sgwarden.ops.Counters;

/**
 * Attachments: a group set put on a network interface or an instance. sgwarden's own (Deny or
 * Restore setting an interface's groups) is recognized by the write it recorded; any other is read
 * through the spoke role (the interface, its instance, each group's ingress rules) and becomes one
 * change per group, announced and judged by the policies like rules added now.
 */
public class AttachmentRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    private static final String INTAKE = "${header." + Counters.INTAKE + "}";

    @Override
    public void configure() {
        from("direct:attachment-found")
                .routeId("attachment-found")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .setProperty(OwnWrite.Recognized.PROPERTY, method("ownWrites", "recognize"))
                .filter(exchangeProperty(OwnWrite.Recognized.PROPERTY).isNotNull())
                    .bean("auditLog", "ownWrite")
                    .choice()
                        .when(simple("${exchangeProperty." + OwnWrite.Recognized.PROPERTY + ".again}"))
                            .bean("counters", "change(" + INTAKE + ", 'duplicate')")
                        .otherwise()
                            .bean("counters", "skipped(" + INTAKE + ", 'own-write')")
                    .end()
                    .stop()
                .end()
                .split(method("attachedGroups", "expand")).stopOnException()
                    .to("direct:announce")
                .end();
    }
    // @formatter:on
}
