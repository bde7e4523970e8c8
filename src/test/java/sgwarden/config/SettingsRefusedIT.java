package sgwarden.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import sgwarden.testing.Jvm;

/**
 * The packaged service, started as an operator starts it (settings in the environment), refuses a
 * bad setting before it does anything: it exits with one line naming the setting and what is allowed.
 */
class SettingsRefusedIT {

    /** A valid production-like start, as SettingsCheckTest's. */
    static final Map<String, String> VALID = SettingsCheckTest.VALID;

    /**
     * One refusal of each kind the start can meet: a converter's, SettingsCheck's for one setting, and
     * SettingsCheck's for two settings together. Every bad setting's line is SettingsCheckTest's.
     */
    static Stream<Arguments> badSettings() {
        return SettingsCheckTest.badSettings().filter(a -> {
            String message = (String) a.get()[1];
            return message.startsWith("sgwarden.intake ") || message.startsWith("sgwarden.slack.signing-secret ")
                    || message.endsWith("or be '*' for anyone in the workspace") && a.get()[0].equals(
                            Map.of("SGWARDEN_SLACK_ALLOWED_USERS", ""))
                    || message.startsWith("sgwarden.lake.lookback ");
        });
    }

    @ParameterizedTest
    @MethodSource("badSettings")
    void aBadSettingStopsTheStartWithOneLineNamingIt(Map<String, String> change, String message) throws Exception {
        Map<String, String> env = new HashMap<>(VALID);
        env.putAll(change);
        Started started = start(env);
        assertEquals(1, started.exitCode(), started.output());
        assertTrue(started.output().contains(message), "expected «" + message + "» in\n" + started.output());
        // the valid base is valid: no other setting was complained about
        List<String> complaints = started.output().lines()
                .filter(l -> l.contains("invalid setting: ") || l.contains("threw an Exception")).toList();
        assertEquals(1, complaints.size(), String.join("\n", complaints));
        assertFalse(started.output().contains("services/T0/B0/secret"), "the webhook URL, a secret, was written out");
    }

    record Started(int exitCode, String output) {
    }

    static Started start(Map<String, String> settings) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                Jvm.command("-Xmx128m", "-Dquarkus.http.port=0", "-Dquarkus.management.port=0", "-jar",
                        "target/quarkus-app/quarkus-run.jar"))
                .redirectErrorStream(true).redirectOutput(File.createTempFile("settings-refused", ".log"));
        builder.environment().keySet().removeIf(k -> k.startsWith("SGWARDEN_"));
        builder.environment().putAll(settings);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the service started despite the bad setting");
        }
        return new Started(process.exitValue(), Files.readString(builder.redirectOutput().file().toPath()));
    }
}
