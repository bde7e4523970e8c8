package sgwarden.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import sgwarden.testing.Jvm;

/**
 * The packaged service refuses to start with a policy file it cannot use, and says where and why;
 * the explain command runs from the packaged app alone.
 */
class PolicyStartupIT {

    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void aBadPolicyFileOrInlineSettingStopsTheServiceWithTheLine() throws Exception {
        Path bad = Path.of("target/bad-policy.yaml").toAbsolutePath();
        Files.writeString(bad,
                "policies:\n  - name: quarantine-ssh\n    match:\n      ports: [22]\n      peers: [wrold]\n"
                        + "    action: quarantine\n");
        // both at once: each costs a JVM start
        Process fromFile = start("policy-bad-file", Map.of(), "-Dsgwarden.policy.file=" + bad);
        Process fromEnvironment = start("policy-bad-inline",
                Map.of("SGWARDEN_POLICY_INLINE", "policies:\n  - name: a\n    action: allow\n"));

        assertStopped(fromFile, "policy-bad-file", "bad policy file " + bad + ": line 5: unknown peer kind 'wrold'"
                + " (use world, wide, public, private, prefix-list, group-same-account or group-other-account)"
                + " (at policies[0].match.peers[0])");
        assertStopped(fromEnvironment, "policy-bad-inline", "bad policy file sgwarden.policy.inline: line 3:"
                + " unknown action 'allow' (use ask, approve, revert or quarantine) (at policies[0].action)");
    }

    @Test
    void explainRunsFromThePackagedApp() throws Exception {
        Process p = new ProcessBuilder(JAVA, "-cp",
                "target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*",
                "sgwarden.policy.Explain", "deploy/policies/baseline.yaml",
                "src/test/resources/fixtures/ingress-tcp-22-world.json").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.endsWith("action: quarantine (policy admin-and-database-ports-open-to-world)\n"), out);
    }

    /** Valid settings otherwise (as sgwarden.config.SettingsRefusedIT), so only the policies can stop the start. */
    static final Map<String, String> VALID = Map.of(
            "SGWARDEN_INTAKE", "sqs",
            "SGWARDEN_SQS_QUEUE_URL", "http://127.0.0.1:9/000000000000/sgwarden-intake",
            "SGWARDEN_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/services/T0/B0/secret",
            "SGWARDEN_SLACK_SIGNING_SECRET", "not-a-real-secret",
            "SGWARDEN_SLACK_ALLOWED_USERS", "U0ALICE");

    static Process start(String name, Map<String, String> environment, String... properties) throws Exception {
        List<String> command = new ArrayList<>(
                Jvm.command("-Xmx128m", "-Dquarkus.http.port=0", "-Dquarkus.management.port=0"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(new File("target/" + name + ".log"));
        b.environment().keySet().removeIf(k -> k.startsWith("SGWARDEN_"));
        b.environment().putAll(VALID);
        b.environment().putAll(environment);
        return b.start();
    }

    static void assertStopped(Process p, String name, String message) throws Exception {
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), name + " is still running");
            String log = Files.readString(Path.of("target/" + name + ".log"));
            assertNotEquals(0, p.exitValue(), log);
            assertTrue(log.contains("ERROR [sgwarden.policy.Policies] (main) " + message + "\n"), log);
        } finally {
            p.destroyForcibly();
        }
    }
}
