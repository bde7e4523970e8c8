package deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the CloudFormation templates to the settings contract in application.properties: every
 * environment variable they pass to the container is one the service reads, every setting the
 * service needs in production is passed, and the Slack secrets arrive only as App Runner secrets.
 *
 * <p>The templates are read as text, line by line: CloudFormation's short tags (!Ref, !If, !Sub)
 * make generic YAML parsers awkward, and the only structure needed is which {@code Name:} entries
 * sit under {@code RuntimeEnvironmentVariables} or {@code RuntimeEnvironmentSecrets}.
 */
class DeploymentContractTest {

    static final List<String> TEMPLATES = List.of(
            "deploy/cloudformation/security-account.yaml",
            "deploy/cloudformation/member-account.yaml",
            "deploy/cloudformation/lake-account.yaml");

    static final String PROPERTIES = "src/main/resources/application.properties";

    /** What a production deployment must set; the rest of application.properties has usable defaults. */
    static final List<String> REQUIRED = List.of(
            "sgwarden.intake",
            "sgwarden.aws.region",
            "sgwarden.table",
            "sgwarden.sqs.queue-url",
            "sgwarden.slack.signing-secret",
            "sgwarden.slack.channel",
            "sgwarden.revert.role-name",
            "sgwarden.revert.role-path",
            "sgwarden.revert.external-id",
            "sgwarden.lake.event-data-store",
            "sgwarden.lake.role-arn");

    /** Slack posting needs one of these, depending on the mode. */
    static final List<String> REQUIRED_ONE_OF = List.of("sgwarden.slack.webhook-url", "sgwarden.slack.bot-token");

    /** Settings that are credentials; application.properties also marks them "(secret: set ...)". */
    static final List<String> SECRETS = List.of(
            "sgwarden.slack.signing-secret", "sgwarden.slack.webhook-url", "sgwarden.slack.bot-token");

    /** Set by App Runner itself and read by quarkus.http.port. */
    static final String PORT = "PORT";

    private static final Pattern BLOCK = Pattern.compile(
            "^(\\s*)(?:-\\s+)?(RuntimeEnvironmentVariables|RuntimeEnvironmentSecrets)\\s*:(.*)$");
    /** A Name key in block or flow style; the preceding character rules out keys like ServiceName. */
    private static final Pattern NAME = Pattern.compile("(?:^|[\\s{,\\-])Name\\s*:\\s*[\"']?([^\"',}\\s#]+)");
    private static final Pattern SECRET_COMMENT = Pattern.compile("secret: set ([A-Z0-9_]+)");

    record Passed(String name, boolean secret, String template, int line) {
        String where() {
            return template + ":" + line;
        }
    }

    static Path root;
    static Map<String, String> envToKey;
    static Set<String> markedSecretEnv;
    static List<Passed> passed;

    @BeforeAll
    static void read() throws IOException {
        root = projectRoot();
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(root.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        envToKey = new LinkedHashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            envToKey.put(envForm(key), key);
        }
        markedSecretEnv = new TreeSet<>();
        Matcher m = SECRET_COMMENT.matcher(Files.readString(root.resolve(PROPERTIES), StandardCharsets.UTF_8));
        while (m.find()) {
            markedSecretEnv.add(m.group(1));
        }
        passed = new ArrayList<>();
        for (String template : TEMPLATES) {
            passed.addAll(passedNames(template, Files.readAllLines(root.resolve(template), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void templatesPassEnvironmentVariablesToTheContainer() {
        assertFalse(passed.isEmpty(), "no RuntimeEnvironmentVariables/RuntimeEnvironmentSecrets Name found in "
                + TEMPLATES + "; the templates or this test's parsing changed");
        assertTrue(passed.stream().anyMatch(Passed::secret), "no RuntimeEnvironmentSecrets Name found");
    }

    @Test
    void everyPassedNameIsASettingTheServiceReads() {
        List<String> unknown = passed.stream()
                .filter(p -> !p.name().equals(PORT) && !envToKey.containsKey(p.name()))
                .map(p -> p.name() + " (" + p.where() + ")")
                .collect(Collectors.toList());
        assertEquals(List.of(), unknown, "passed to the container, but not the environment form of any key in "
                + PROPERTIES + " (keys: " + envToKey.values() + ")");
    }

    @Test
    void everyProductionSettingIsPassed() {
        Set<String> names = passed.stream().map(Passed::name).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        for (String key : REQUIRED) {
            assertTrue(envToKey.containsValue(key), key + " is required in production but is not a key in " + PROPERTIES);
            if (!names.contains(envForm(key))) {
                missing.add(key + " (" + envForm(key) + ")");
            }
        }
        if (REQUIRED_ONE_OF.stream().noneMatch(key -> names.contains(envForm(key)))) {
            missing.add("one of " + REQUIRED_ONE_OF);
        }
        assertEquals(List.of(), missing, "required in production but passed by no template");
    }

    @Test
    void slackCredentialsArePassedOnlyAsSecrets() {
        Set<String> secretEnv = new TreeSet<>(markedSecretEnv);
        SECRETS.forEach(key -> secretEnv.add(envForm(key)));
        for (Passed p : passed) {
            if (secretEnv.contains(p.name()) && !p.secret()) {
                fail(p.name() + " is a credential but is passed as a plain variable at " + p.where()
                        + "; pass it under RuntimeEnvironmentSecrets from Secrets Manager");
            }
        }
        for (String env : secretEnv) {
            assertTrue(envToKey.containsKey(env), env + " is marked secret but is no key of " + PROPERTIES);
        }
    }

    @Test
    void onlyCredentialsArePassedAsSecrets() {
        Set<String> secretEnv = new TreeSet<>(markedSecretEnv);
        SECRETS.forEach(key -> secretEnv.add(envForm(key)));
        List<String> plain = passed.stream().filter(p -> p.secret() && !secretEnv.contains(p.name()))
                .map(p -> p.name() + " (" + p.where() + ")").collect(Collectors.toList());
        assertEquals(List.of(), plain, "passed from Secrets Manager but not a credential; pass it as a variable");
    }

    @Test
    void noNameIsPassedTwiceInOneTemplate() {
        Set<String> seen = new LinkedHashSet<>();
        List<String> twice = new ArrayList<>();
        for (Passed p : passed) {
            if (!seen.add(p.template() + " " + p.name())) {
                twice.add(p.name() + " (" + p.where() + ")");
            }
        }
        assertEquals(List.of(), twice, "passed more than once");
    }

    @Test
    void parserReadsBlockAndFlowStyles() {
        List<String> lines = List.of(
                "Resources:",
                "  Service:",
                "    Properties:",
                "      ServiceName: not-this",
                "      ImageConfiguration:",
                "        RuntimeEnvironmentVariables:",
                "          # a comment",
                "          - Name: SGWARDEN_A",
                "            Value: x",
                "          - !If",
                "            - Cond",
                "            - Name: \"SGWARDEN_B\"",
                "              Value: !Ref B",
                "            - !Ref AWS::NoValue",
                "          - {Name: SGWARDEN_C, Value: y}",
                "        RuntimeEnvironmentSecrets:",
                "        - Name: SGWARDEN_D",
                "          Value: arn",
                "        Port: \"8080\"",
                "      Name: NOT_IN_A_BLOCK",
                "      RuntimeEnvironmentSecrets: [{Name: SGWARDEN_E, Value: arn}]");
        List<String> read = passedNames("t.yaml", lines).stream()
                .map(p -> p.name() + (p.secret() ? "*" : "")).collect(Collectors.toList());
        assertEquals(List.of("SGWARDEN_A", "SGWARDEN_B", "SGWARDEN_C", "SGWARDEN_D*", "SGWARDEN_E*"), read);
        assertEquals("SGWARDEN_SLACK_BOT_TOKEN", envForm("sgwarden.slack.bot-token"));
    }

    /** MicroProfile Config's environment form: non-alphanumerics become '_', then upper case. */
    static String envForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The Name entries under each RuntimeEnvironmentVariables/RuntimeEnvironmentSecrets block. */
    static List<Passed> passedNames(String template, List<String> lines) {
        List<Passed> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher block = BLOCK.matcher(lines.get(i));
            if (!block.matches()) {
                continue;
            }
            boolean secret = block.group(2).equals("RuntimeEnvironmentSecrets");
            int indent = block.group(1).length();
            names(block.group(3), secret, template, i + 1, found);
            int j = i + 1;
            for (; j < lines.size(); j++) {
                String line = lines.get(j);
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int lineIndent = line.length() - line.stripLeading().length();
                // the block ends at the next key at its own level; a list may sit at that level
                if (lineIndent < indent || (lineIndent == indent && !trimmed.startsWith("- "))) {
                    break;
                }
                names(line, secret, template, j + 1, found);
            }
            i = j - 1;
        }
        return found;
    }

    private static void names(String text, boolean secret, String template, int line, List<Passed> into) {
        int hash = text.indexOf(" #");
        Matcher name = NAME.matcher(hash >= 0 ? text.substring(0, hash) : text);
        while (name.find()) {
            into.add(new Passed(name.group(1), secret, template, line));
        }
    }

    private static Path projectRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(PROPERTIES)) && Files.isDirectory(p.resolve("deploy/cloudformation"))) {
                return p;
            }
        }
        throw new IllegalStateException("no project root (with " + PROPERTIES + " and deploy/cloudformation) above " + dir);
    }
}
