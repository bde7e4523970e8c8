package sgwarden.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.apache.camel.Exchange;

import io.smallrye.health.SmallRyeHealthReporter;

/**
 * The health answer on the public port, for the load balancer's check: the readiness of
 * /q/health/ready (management port), as a status code and a bare word, with no check names, table
 * or error in it (and without the Slack secrets' check: {@link #upForTheLoadBalancer}). A check runs
 * at most once per REUSE whatever the request rate, so that anyone on the internet polling it cannot
 * make the service hammer DynamoDB's DescribeTable (and be throttled into looking unhealthy).
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
            ready = upForTheLoadBalancer(health.getReadiness().getPayload());
            checkedAt = now;
        }
        return ready;
    }

    /**
     * Every readiness check up but the Slack secrets' one: a first deployment waiting for them must keep
     * its task (it answers here, reads nothing, and says why on the management port), or the load
     * balancer would replace it until the deployment rolls back.
     */
    static boolean upForTheLoadBalancer(JsonObject readiness) {
        JsonArray checks = readiness.getJsonArray("checks");
        if (checks == null) {
            return !"DOWN".equals(readiness.getString("status", "DOWN"));
        }
        return checks.stream().map(JsonValue::asJsonObject)
                .filter(c -> !SlackSecretsReadiness.NAME.equals(c.getString("name", "")))
                .allMatch(c -> "UP".equals(c.getString("status", "DOWN")));
    }
}
