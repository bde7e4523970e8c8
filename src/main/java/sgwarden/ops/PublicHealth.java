package sgwarden.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import io.smallrye.health.SmallRyeHealthReporter;

/**
 * The health answer on the public port, for the load balancer's check: the readiness of
 * /q/health/ready (management port), as a status code and a bare word, with no check names, table
 * or error in it. A check runs at most once per REUSE whatever the request rate, so that anyone on
 * the internet polling it cannot make the service hammer DynamoDB's DescribeTable (and be throttled
 * into looking unhealthy).
 */
@ApplicationScoped
@Named("publicHealth")
public class PublicHealth {

    static final Duration REUSE = Duration.ofSeconds(1);

    @Inject
    SmallRyeHealthReporter health;

    @Inject
    Clock clock;

    private Instant checkedAt;
    private boolean ready;

    public void answer(Exchange exchange) {
        boolean up = ready();
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        exchange.getMessage().setBody(up ? "ok" : "not ready");
    }

    synchronized boolean ready() {
        Instant now = clock.instant();
        if (checkedAt == null || !now.isBefore(checkedAt.plus(REUSE)) || now.isBefore(checkedAt)) {
            ready = !health.getReadiness().isDown();
            checkedAt = now;
        }
        return ready;
    }
}
