package routes;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import sgwarden.testing.Profiles;

/** The endpoints App Runner's health check and Prometheus use. */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class HealthTest {

    @Test
    void readyAndLiveWhenTheTableIsReachable() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("\"status\": \"UP\""));
        given().get("/q/health/live").then().statusCode(200);
    }

    @jakarta.inject.Inject
    org.apache.camel.CamelContext camel;

    @Test
    void notReadyWhileARouteThatShouldRunIsStopped() throws Exception {
        camel.getRouteController().stopRoute("lake-poll");
        try {
            given().get("/q/health/ready").then().statusCode(503).body(containsString("lake-poll"));
        } finally {
            camel.getRouteController().startRoute("lake-poll");
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void metricsAreServedForPrometheus() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }
}
