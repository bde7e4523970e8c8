package sgwarden.ops;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import sgwarden.config.Settings;
import sgwarden.config.SlackSecrets;

/**
 * Not ready while a Slack secret still holds the placeholder of a first deployment: nothing is read or
 * announced then, and the detailed readiness on the management port says which setting is missing.
 * The public /healthz leaves this one check out ({@link PublicHealth}), so that the load balancer keeps
 * the waiting task and the deployment completes, instead of replacing it until the stack rolls back.
 */
@Readiness
@ApplicationScoped
public class SlackSecretsReadiness implements HealthCheck {

    public static final String NAME = "slack-secrets";

    @Inject
    Settings settings;

    @Override
    public HealthCheckResponse call() {
        List<String> waiting = SlackSecrets.waitingFor(settings);
        if (waiting.isEmpty()) {
            return HealthCheckResponse.up(NAME);
        }
        return HealthCheckResponse.named(NAME).down().withData("waiting-for", String.join(", ", waiting))
                .withData("reason", "still the deployment's placeholder: no change is read and no click accepted"
                        + " until the secrets are set and the tasks started again (docs/deployment.md, step 5)")
                .build();
    }
}
