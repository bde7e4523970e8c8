package routes;

import org.apache.camel.builder.RouteBuilder;

import sgwarden.ops.Counters;

/**
 * Tags set or removed on security groups. A change that names no tag key any policy matches on is
 * counted and goes no further. Otherwise each group becomes one change with its tags before and
 * after: sgwarden's own (Deny or Restore putting tags back) is recognized by the write it recorded;
 * one that switches no policy on or off is taken as it is; any other is announced with what it
 * switches, and a person approves or denies it like a rule change.
 */
public class TagRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    private static final String INTAKE = "${header." + Counters.INTAKE + "}";

    @Override
    public void configure() {
        from("direct:tags-found")
                .routeId("tags-found")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .setBody(method("taggedGroups", "expand"))
                .filter(simple("${body.isEmpty()}"))
                    .bean("counters", "skipped(" + INTAKE + ", 'tag-key-unused')")
                    .bean("auditLog", "skipped('tags no policy matches on')")
                    .stop()
                .end()
                .split(body()).stopOnException()
                    .to("direct:tag-change")
                .end();

        from("direct:tag-change")
                .routeId("tag-change")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .to("direct:own-write")
                .bean("taggedGroups", "compare")
                .filter(simple("${body.tagging.switches.isEmpty()}"))
                    .bean("tagLedger", "settle")
                    .bean("counters", "skipped(" + INTAKE + ", 'tag-switches-nothing')")
                    .bean("auditLog", "skipped('a tag change that switches no policy')")
                    .stop()
                .end()
                .to("direct:announce")
                // announced (or held for its group): compared with these from now on
                .bean("tagLedger", "saw");
    }
    // @formatter:on
}
