package sgwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.smallrye.config.ConfigValidationException;

import sgwarden.testing.SettingsFrom;

/**
 * Each bad setting, given as an operator gives it (in the environment, over application.properties),
 * is refused with one line naming the setting and what is allowed: by its converter, or by
 * SettingsCheck. SettingsRefusedIT shows the packaged service stopping on such a line.
 */
class SettingsCheckTest {

    /** A valid production-like start: the SQS intake, a webhook, a signing secret, an allow list. */
    static final Map<String, String> VALID = Map.of(
            "SGWARDEN_INTAKE", "sqs",
            "SGWARDEN_SQS_QUEUE_URL", "http://127.0.0.1:9/000000000000/sgwarden-intake",
            "SGWARDEN_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/services/T0/B0/secret",
            "SGWARDEN_SLACK_SIGNING_SECRET", "not-a-real-secret",
            "SGWARDEN_SLACK_ALLOWED_USERS", "U0ALICE,W0BOB",
            "SGWARDEN_LAKE_EVENT_DATA_STORE", "");

    static Stream<Arguments> badSettings() {
        return Stream.of(
                refused(Map.of("SGWARDEN_INTAKE", "kafka"),
                        "sgwarden.intake (SGWARDEN_INTAKE) must be one of lake, sqs, both; it is 'kafka'"),
                refused(Map.of("SGWARDEN_INTAKE", "lake"),
                        "sgwarden.lake.event-data-store (SGWARDEN_LAKE_EVENT_DATA_STORE) must be set when sgwarden.intake is lake"),
                refused(Map.of("SGWARDEN_INTAKE", "both"),
                        "sgwarden.lake.event-data-store (SGWARDEN_LAKE_EVENT_DATA_STORE) must be set when sgwarden.intake is both"),
                refused(Map.of("SGWARDEN_SQS_QUEUE_URL", ""),
                        "sgwarden.sqs.queue-url (SGWARDEN_SQS_QUEUE_URL) must be set when sgwarden.intake is sqs"),
                refused(Map.of("SGWARDEN_SLACK_WEBHOOK_URL", ""),
                        "sgwarden.slack.webhook-url (SGWARDEN_SLACK_WEBHOOK_URL) or sgwarden.slack.bot-token"
                                + " (SGWARDEN_SLACK_BOT_TOKEN) must be set, or no change can be announced"),
                refused(Map.of("SGWARDEN_SLACK_SIGNING_SECRET", ""),
                        "sgwarden.slack.signing-secret (SGWARDEN_SLACK_SIGNING_SECRET) must be set, or no click from"
                                + " Slack can be verified and acted on"),
                // fail closed: no allow list is a refused start, not a channel where anyone decides
                refused(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", ""),
                        "sgwarden.slack.allowed-users (SGWARDEN_SLACK_ALLOWED_USERS) must list the Slack user IDs who"
                                + " may approve or deny (U0123ABCD,U0456EFGH), or be '*' for anyone in the workspace"),
                refused(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", " , "),
                        "sgwarden.slack.allowed-users (SGWARDEN_SLACK_ALLOWED_USERS) must list the Slack user IDs who"
                                + " may approve or deny (U0123ABCD,U0456EFGH), or be '*' for anyone in the workspace"),
                // '*' without a workspace would let any workspace the app is installed in decide
                refused(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", "*"),
                        "sgwarden.slack.allowed-team (SGWARDEN_SLACK_ALLOWED_TEAM) must name the workspace (T0123ABCD)"
                                + " when sgwarden.slack.allowed-users is '*', or anyone in any workspace the app is"
                                + " installed in could decide"),
                refused(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", "U0ALICE,*", "SGWARDEN_SLACK_ALLOWED_TEAM",
                        "T0SGWARDEN"),
                        "sgwarden.slack.allowed-users (SGWARDEN_SLACK_ALLOWED_USERS) is either '*' (anyone in the"
                                + " workspace) or a list of user IDs, not both; it is 'U0ALICE,*'"),
                // a name or an e-mail address would match no click: refused rather than silently locking everyone out
                refused(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", "U0ALICE,alice"),
                        "sgwarden.slack.allowed-users (SGWARDEN_SLACK_ALLOWED_USERS) must list Slack user IDs (U or W,"
                                + " then capital letters and digits, as in U0123ABCD), or be '*'; 'alice' is not one"),
                refused(Map.of("SGWARDEN_LAKE_PAGE_SIZE", "1001"),
                        "sgwarden.lake.page-size (SGWARDEN_LAKE_PAGE_SIZE) must be between 1 and 1000; it is 1001"),
                refused(Map.of("SGWARDEN_SQS_WAIT_TIME", "21"),
                        "sgwarden.sqs.wait-time (SGWARDEN_SQS_WAIT_TIME) must be between 0 and 20; it is 21"),
                refused(Map.of("SGWARDEN_SQS_BATCH_SIZE", "0"),
                        "sgwarden.sqs.batch-size (SGWARDEN_SQS_BATCH_SIZE) must be between 1 and 10; it is 0"),
                refused(Map.of("SGWARDEN_CLAIM_TIMEOUT", "0s"),
                        "sgwarden.claim-timeout (SGWARDEN_CLAIM_TIMEOUT) must be a positive duration (e.g. 30s, 10m,"
                                + " PT1H); it is PT0S"),
                refused(Map.of("SGWARDEN_REVERT_STUCK_AFTER", "PT-5M"),
                        "sgwarden.revert.stuck-after (SGWARDEN_REVERT_STUCK_AFTER) must be a positive duration (e.g."
                                + " 30s, 10m, PT1H); it is PT-5M"),
                refused(Map.of("SGWARDEN_LAKE_LOOKBACK", "5m"),
                        "sgwarden.lake.lookback (SGWARDEN_LAKE_LOOKBACK) must be at least sgwarden.lake.period (PT10M),"
                                + " or changes between two runs are never looked at; it is PT5M"),
                refused(Map.of("SGWARDEN_POLICY_FILE", "/etc/sgwarden/policies.yaml", "SGWARDEN_POLICY_INLINE",
                        "policies: []"),
                        "sgwarden.policy.file (SGWARDEN_POLICY_FILE) and sgwarden.policy.inline"
                                + " (SGWARDEN_POLICY_INLINE) are both set; set one of them"),
                refused(Map.of("SGWARDEN_REVERT_ROLE_PATH", "security"),
                        "sgwarden.revert.role-path (SGWARDEN_REVERT_ROLE_PATH) must be an IAM path: '/' or '/' +"
                                + " printable characters + '/' (e.g. /security/); it is 'security'"),
                refused(Map.of("SGWARDEN_NAMES_MAX_WAIT", "5s"),
                        "sgwarden.names.max-wait (SGWARDEN_NAMES_MAX_WAIT) must be more than 0 and at most 1s, so that"
                                + " no lookup holds a message back longer; it is PT5S"),
                // a body may not take longer to arrive than Slack waits for the whole answer
                refused(Map.of("SGWARDEN_SLACK_BODY_DEADLINE", "5s"),
                        "sgwarden.slack.body-deadline (SGWARDEN_SLACK_BODY_DEADLINE) must be more than 0 and at most 3s"
                                + " (Slack waits 3 s for its answer, so a longer wait only keeps slow connections open);"
                                + " it is PT5S"),
                refused(Map.of("SGWARDEN_SLACK_BODY_DEADLINE", "0s"),
                        "sgwarden.slack.body-deadline (SGWARDEN_SLACK_BODY_DEADLINE) must be more than 0 and at most 3s"
                                + " (Slack waits 3 s for its answer, so a longer wait only keeps slow connections open);"
                                + " it is PT0S"),
                refused(Map.of("SGWARDEN_GROUP_QUIET", "3m"),
                        "sgwarden.group.quiet (SGWARDEN_GROUP_QUIET) must be between 1s and sgwarden.group.window"
                                + " (PT2M); it is PT3M"),
                refused(Map.of("SGWARDEN_GROUP_WINDOW", "11m"),
                        "sgwarden.group.window (SGWARDEN_GROUP_WINDOW) must be between 0 (each change alone) and 10m;"
                                + " it is PT11M"),
                refused(Map.of("SGWARDEN_NAMES_ACCOUNTS", "111111111111=prod-payments,dev"),
                        "sgwarden.names.accounts (SGWARDEN_NAMES_ACCOUNTS) must list account=name entries"
                                + " (111111111111=prod-payments), comma separated; 'dev' is not one"),
                // the exemption is keyed on the account and the group together: half of it is refused
                refused(Map.of("SGWARDEN_OWN_LOAD_BALANCER_SECURITY_GROUP", "sg-0123456789abcdef0"),
                        "sgwarden.own-load-balancer.security-group (SGWARDEN_OWN_LOAD_BALANCER_SECURITY_GROUP) must be"
                                + " set with sgwarden.own-load-balancer.account (SGWARDEN_OWN_LOAD_BALANCER_ACCOUNT),"
                                + " or neither"),
                refused(Map.of("SGWARDEN_OWN_LOAD_BALANCER_ACCOUNT", "333333333333"),
                        "sgwarden.own-load-balancer.security-group (SGWARDEN_OWN_LOAD_BALANCER_SECURITY_GROUP) must be"
                                + " set with sgwarden.own-load-balancer.account (SGWARDEN_OWN_LOAD_BALANCER_ACCOUNT),"
                                + " or neither"),
                // a name is not an ID: a group named like the own one would otherwise be what is exempt
                refused(Map.of("SGWARDEN_OWN_LOAD_BALANCER_ACCOUNT", "333333333333",
                        "SGWARDEN_OWN_LOAD_BALANCER_SECURITY_GROUP", "ecs-express-sgwarden-lb"),
                        "sgwarden.own-load-balancer.security-group (SGWARDEN_OWN_LOAD_BALANCER_SECURITY_GROUP) must be"
                                + " a security group ID (sg- and 8 or 17 hex digits); it is 'ecs-express-sgwarden-lb'"),
                refused(Map.of("SGWARDEN_OWN_LOAD_BALANCER_ACCOUNT", "sgwarden",
                        "SGWARDEN_OWN_LOAD_BALANCER_SECURITY_GROUP", "sg-0123456789abcdef0"),
                        "sgwarden.own-load-balancer.account (SGWARDEN_OWN_LOAD_BALANCER_ACCOUNT) must be an account ID"
                                + " (12 digits); it is 'sgwarden'"));
    }

    static Arguments refused(Map<String, String> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void aBadSettingIsRefusedWithOneLineNamingIt(Map<String, String> change, String message) throws IOException {
        Map<String, String> env = new HashMap<>(VALID);
        env.putAll(change);
        List<String> problems = problems(env);
        assertEquals(1, problems.size(), "one line: " + problems);
        // a converter's line carries SmallRye's prefix (SRCFG00039 …) before ours
        assertTrue(problems.get(0).endsWith(message), problems.get(0));
    }

    @Test
    void theValidBaseIsValid() throws IOException {
        assertEquals(List.of(), problems(VALID));
        assertEquals(List.of(), SettingsCheck.warnings(settings(VALID)));
    }

    @Test
    void theOwnLoadBalancerGroupWithItsAccountAndRestoreOffAreValid() throws IOException {
        Map<String, String> env = new HashMap<>(VALID);
        env.putAll(Map.of("SGWARDEN_OWN_LOAD_BALANCER_ACCOUNT", "333333333333",
                "SGWARDEN_OWN_LOAD_BALANCER_SECURITY_GROUP", "sg-0123456789abcdef0", "SGWARDEN_RESTORE_ENABLED",
                "false"));
        assertEquals(List.of(), problems(env));
        assertEquals(false, settings(env).restore().enabled());
        assertEquals(true, settings(VALID).restore().enabled(), "Restore is offered unless turned off");
    }

    @Test
    void anyoneInTheWorkspaceIsAllowedAndWarnedAbout() throws IOException {
        Map<String, String> env = new HashMap<>(VALID);
        env.putAll(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", " * ", "SGWARDEN_SLACK_ALLOWED_TEAM", "T0SGWARDEN"));
        assertEquals(List.of(), problems(env));
        assertEquals(List.of("sgwarden.slack.allowed-users (SGWARDEN_SLACK_ALLOWED_USERS) is '*': anyone in"
                + " workspace T0SGWARDEN may approve or deny, and so revert, any security group change"),
                SettingsCheck.warnings(settings(env)));
    }

    /**
     * A first deployment: the shared stack seeds the Slack secrets with the placeholder. The start is not
     * refused (the stack could never complete); it waits, naming what it waits for (SlackSecrets).
     */
    @Test
    void thePlaceholderOfAFirstDeploymentIsWaitedForNotRefused() throws IOException {
        Map<String, String> webhook = new HashMap<>(VALID);
        webhook.putAll(Map.of("SGWARDEN_SLACK_WEBHOOK_URL", SlackSecrets.PLACEHOLDER,
                "SGWARDEN_SLACK_SIGNING_SECRET", SlackSecrets.PLACEHOLDER));
        assertEquals(List.of(), problems(webhook));
        assertEquals(List.of("sgwarden.slack.webhook-url (SGWARDEN_SLACK_WEBHOOK_URL)",
                "sgwarden.slack.signing-secret (SGWARDEN_SLACK_SIGNING_SECRET)"),
                SlackSecrets.waitingFor(settings(webhook)));

        Map<String, String> bot = new HashMap<>(VALID);
        bot.remove("SGWARDEN_SLACK_WEBHOOK_URL");
        bot.put("SGWARDEN_SLACK_BOT_TOKEN", " " + SlackSecrets.PLACEHOLDER + "\n");
        assertEquals(List.of(), problems(bot));
        assertEquals(List.of("sgwarden.slack.bot-token (SGWARDEN_SLACK_BOT_TOKEN)"),
                SlackSecrets.waitingFor(settings(bot)));

        String warning = SlackSecrets.warning(SlackSecrets.waitingFor(settings(webhook)));
        assertTrue(warning.startsWith("waiting for the Slack secrets: sgwarden.slack.webhook-url"
                + " (SGWARDEN_SLACK_WEBHOOK_URL) and sgwarden.slack.signing-secret (SGWARDEN_SLACK_SIGNING_SECRET)"
                + " still hold the deployment's placeholder."), warning);
        assertTrue(warning.contains("aws ecs update-service") && warning.contains("aws apprunner start-deployment"),
                warning);
        assertEquals(List.of(), SlackSecrets.waitingFor(settings(VALID)));
    }

    /**
     * Only the placeholder itself waits: anything else that is not a URL is refused as before, the old
     * random seed included, and a value merely resembling the placeholder too, so that no variant of it
     * becomes a quiet way to start a service that reads nothing.
     */
    @ParameterizedTest
    @MethodSource("notThePlaceholder")
    void aBadWebhookThatIsNotThePlaceholderIsStillRefused(String webhook) throws IOException {
        Map<String, String> env = new HashMap<>(VALID);
        env.put("SGWARDEN_SLACK_WEBHOOK_URL", webhook);
        assertEquals(
                List.of("sgwarden.slack.webhook-url (SGWARDEN_SLACK_WEBHOOK_URL) must be an http(s) URL; it is not"),
                problems(env));
        assertEquals(List.of(), SlackSecrets.waitingFor(settings(env)));
    }

    static Stream<String> notThePlaceholder() {
        return Stream.of("Xk3vQ9mP2rT7wY1zB5nC8dF4gH6jK0lA3sD5fG7hJ9kL1zX3cV5bN7mQ9wE1rT3y",
                "sgwarden-placeholder", SlackSecrets.PLACEHOLDER + " x", SlackSecrets.PLACEHOLDER.toUpperCase());
    }

    /** What the service would say at its start: a converter's refusal, or SettingsCheck's lines. */
    static List<String> problems(Map<String, String> env) throws IOException {
        try {
            return SettingsCheck.problems(settings(env));
        } catch (ConfigValidationException e) {
            return IntStream.range(0, e.getProblemCount()).mapToObj(i -> e.getProblem(i).getMessage()).toList();
        }
    }

    /** The settings the service would read from this environment over application.properties. */
    static Settings settings(Map<String, String> env) throws IOException {
        return SettingsFrom.environment(env);
    }
}
