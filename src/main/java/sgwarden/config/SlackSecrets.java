package sgwarden.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Slack secrets as a first deployment leaves them. The shared stack (security-shared.yaml) seeds
 * both Slack secrets with {@link #PLACEHOLDER}, because Slack issues the real values only once the app
 * exists, and that needs the service's URL. A service started with the placeholder waits: it answers
 * the load balancer, reads no change (they stay on the intake queue) and accepts no click, until it is
 * started again with the values set. Any other bad value is still refused by {@link SettingsCheck}.
 */
public final class SlackSecrets {

    /**
     * What the shared stack seeds the Slack secrets with: recognizably not a credential, and public, so
     * it never signs or authorizes anything (DeploymentContractTest holds the template to this text).
     */
    public static final String PLACEHOLDER = "sgwarden-placeholder: put the value Slack issues here (docs/deployment.md, step 5)";

    private SlackSecrets() {
    }

    public static boolean isPlaceholder(Optional<String> value) {
        return value.map(String::trim).filter(PLACEHOLDER::equals).isPresent();
    }

    /** The Slack settings that still hold the placeholder, each as "property (ENVIRONMENT_VARIABLE)"; empty when none. */
    public static List<String> waitingFor(Settings s) {
        List<String> out = new ArrayList<>();
        Settings.Slack slack = s.slack();
        if (slack.botMode() ? isPlaceholder(slack.botToken()) : isPlaceholder(slack.webhookUrl())) {
            out.add(SettingsCheck.name(slack.botMode() ? "sgwarden.slack.bot-token" : "sgwarden.slack.webhook-url"));
        }
        if (isPlaceholder(slack.signingSecret())) {
            out.add(SettingsCheck.name("sgwarden.slack.signing-secret"));
        }
        return out;
    }

    /** The one WARN line a start in waiting logs: what is missing, what it means, what to do. */
    public static String warning(List<String> waiting) {
        return "waiting for the Slack secrets: " + String.join(" and ", waiting) + " still "
                + (waiting.size() == 1 ? "holds" : "hold") + " the deployment's placeholder. Until they are set,"
                + " no change is read (they stay on the intake queue, none is lost or dead-lettered), no click is"
                + " accepted, and readiness on the management port is DOWN (check slack-secrets). Put the values"
                + " the Slack app shows into the secrets <ServiceName>/slack-post-credential and"
                + " <ServiceName>/slack-signing-secret (aws secretsmanager put-secret-value), then start new tasks:"
                + " aws ecs update-service --cluster <ServiceName> --service <ServiceName> --force-new-deployment"
                + " (ECS Express Mode) or aws apprunner start-deployment --service-arn <ServiceArn> (App Runner);"
                + " docs/deployment.md, step 5";
    }
}
