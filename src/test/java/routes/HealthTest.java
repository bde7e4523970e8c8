package routes;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import sgwarden.testing.InjectMoto;
import sgwarden.testing.Management;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.MovableClock;
import sgwarden.testing.Profiles;

/**
 * What the load balancer's check sees on the public port (a bare answer), and what an operator's
 * Prometheus and probes see on the management port (metrics, detailed health), which the load
 * balancer does not expose.
 */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class HealthTest {

    @Inject
    CamelContext camel;

    @Inject
    MovableClock clock;

    @InjectMoto
    Moto moto;

    @Test
    void readyAndLiveOnTheManagementPortWhenTheTableIsReachable() {
        given().get(Management.url("/q/health/ready")).then().statusCode(200)
                .body(containsString("\"status\": \"UP\""));
        given().get(Management.url("/q/health/live")).then().statusCode(200);
        given().get("/healthz").then().statusCode(200).body(equalTo("ok"));
    }

    @Test
    void notReadyWhileARouteThatShouldRunIsStoppedAndThePublicAnswerNamesNothing() throws Exception {
        camel.getRouteController().stopRoute("lake-poll");
        try {
            given().get(Management.url("/q/health/ready")).then().statusCode(503).body(containsString("lake-poll"));
            // past the reuse of the last public answer
            clock.advance(Duration.ofSeconds(2));
            given().get("/healthz").then().statusCode(503).body(equalTo("not ready"));
        } finally {
            camel.getRouteController().startRoute("lake-poll");
        }
        given().get(Management.url("/q/health/ready")).then().statusCode(200);
        clock.advance(Duration.ofSeconds(2));
        given().get("/healthz").then().statusCode(200).body(equalTo("ok"));
    }

    @Test
    void metricsAreServedForPrometheusOnTheManagementPort() {
        given().get(Management.url("/q/metrics")).then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }

    /**
     * Someone on the internet reaches only the public port: no metrics, no detailed health, however the
     * path is spelt, and nothing that names the table or a route.
     */
    @Test
    void thePublicPortServesNoMetricsAndNoDetailedHealth() {
        assertNotEquals(Management.port(), io.restassured.RestAssured.port);
        for (String path : List.of("/q/metrics", "/q/metrics/", "/q/health", "/q/health/", "/q/health/ready",
                "/q/health/live", "/q/health/started", "/q/health/group", "/q/health/well", "/q/dev-ui", "/q/info",
                "/q/openapi", "/q/camel", "/metrics", "/health", "//q/metrics", "/./q/metrics",
                "/healthz/../q/metrics", "/q/%6Detrics", "/Q/METRICS", "/healthz/x", "/healthz?full=true")) {
            Response r = given().urlEncodingEnabled(false).get(path);
            String body = r.getBody().asString();
            if (path.startsWith("/healthz?")) {
                assertEquals(200, r.statusCode(), path);
                assertEquals("ok", body, path);
                continue;
            }
            assertEquals(404, r.statusCode(), path);
            assertFalse(body.contains(MotoResource.TABLE) || body.contains("lake-poll") || body.contains("jvm_")
                    || body.contains("sgwarden_"), path + ": " + body);
        }
        given().post("/healthz").then().statusCode(not(equalTo(200)));
    }

    /** A flood on the public check costs DynamoDB at most one DescribeTable per second, not one per request. */
    @Test
    void aFloodOnThePublicCheckDoesNotReachTheTable() {
        clock.advance(Duration.ofSeconds(2));
        moto.startRecording();
        for (int i = 0; i < 50; i++) {
            given().get("/healthz").then().statusCode(200);
        }
        // one per request would be 50; real time passes meanwhile, so a few
        assertTrue(moto.recordedCalls("DescribeTable") < 10, "DescribeTable " + moto.recordedCalls("DescribeTable"));
    }
}
