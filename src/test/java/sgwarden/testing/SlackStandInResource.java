package sgwarden.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a Slack stand-in for the service under test, points its webhook, Web API and response_url
 * checks at it, and hands it to the test's {@link InjectSlack} fields. It lives as long as the
 * Quarkus run it serves.
 */
public class SlackStandInResource implements QuarkusTestResourceLifecycleManager {

    public static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5-test";
    private SlackStandIn slack;

    @Override
    public Map<String, String> start() {
        slack = new SlackStandIn();
        return Map.of("sgwarden.slack.webhook-url", slack.webhookUrl(),
                "sgwarden.slack.server-url", slack.baseUrl(),
                "sgwarden.slack.response-url-prefix", slack.responseUrlPrefix(),
                "sgwarden.slack.signing-secret", SIGNING_SECRET);
    }

    /** The stand-in this resource started, for callers outside a Quarkus test (the packaged-jar IT). */
    public SlackStandIn standIn() {
        return slack;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(slack,
                new TestInjector.AnnotatedAndMatchesType(InjectSlack.class, SlackStandIn.class));
    }

    @Override
    public void stop() {
        if (slack != null) {
            slack.stop();
        }
    }
}
