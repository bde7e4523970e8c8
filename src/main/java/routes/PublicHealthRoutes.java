package routes;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

/**
 * The one health answer on the public port, which the load balancer checks: 200 "ok" when ready, 503
 * "not ready" when not, nothing more. Metrics and the detailed health checks, which name the table,
 * the routes, policies and counts, are on the management port (quarkus.management.port), which the
 * load balancer does not expose.
 */
@ApplicationScoped
public class PublicHealthRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    public static final String PATH = "/healthz";

    @Override
    public void configure() {
        from("platform-http:" + PATH + "?httpMethodRestrict=GET,HEAD")
                .routeId("public-health")
                .bean("publicHealth", "answer");
    }
    // @formatter:on
}
