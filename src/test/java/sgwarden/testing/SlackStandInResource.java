package sgwarden.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the service's webhook, Web API and response_url checks at the Slack stand-in. */
public class SlackStandInResource implements QuarkusTestResourceLifecycleManager {

    public static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5-test";
    private static SlackStandIn slack;

    public static synchronized SlackStandIn slack() {
        if (slack == null) {
            slack = new SlackStandIn();
        }
        return slack;
    }

    @Override
    public Map<String, String> start() {
        SlackStandIn s = slack();
        s.reset();
        return Map.of("sgwarden.slack.webhook-url", s.webhookUrl(),
                "sgwarden.slack.server-url", s.baseUrl(),
                "sgwarden.slack.response-url-prefix", s.responseUrlPrefix(),
                "sgwarden.slack.signing-secret", SIGNING_SECRET);
    }

    @Override
    public void stop() {
        // kept for the whole JVM; reset when the next test class starts
    }
}
