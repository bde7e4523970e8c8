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
 * service needs in production is passed by each compute stack, and the credentials (Slack's and
 * the external ID) arrive only from Secrets Manager. Also holds the templates to what the code
 * relies on: the queue's numbers against the claim timeout, the event names, the spoke role's
 * calls and the table's due index.
 *
 * <p>The templates are read as text, line by line: CloudFormation's short tags (!Ref, !If, !Sub)
 * make generic YAML parsers awkward, and the only structure needed is which {@code Name:} entries
 * sit under App Runner's {@code RuntimeEnvironmentVariables}/{@code RuntimeEnvironmentSecrets} or
 * ECS Express Mode's {@code Environment}/{@code Secrets}.
 */
class DeploymentContractTest {

    static final String SHARED = "deploy/cloudformation/security-shared.yaml";
    static final String MEMBER = "deploy/cloudformation/member-account.yaml";
    static final String LAKE = "deploy/cloudformation/lake-account.yaml";
    static final String ORG_NAMES = "deploy/cloudformation/org-names.yaml";

    /** One stack per compute choice; each must set every production setting on its own. */
    static final List<String> COMPUTE = List.of(
            "deploy/cloudformation/security-compute-ecs-express.yaml",
            "deploy/cloudformation/security-compute-app-runner.yaml");

    static final List<String> TEMPLATES = List.of(
            SHARED,
            COMPUTE.get(0),
            COMPUTE.get(1),
            MEMBER,
            LAKE,
            ORG_NAMES);

    static final String PROPERTIES = "src/main/resources/application.properties";

    /** What a production deployment must set; the rest of application.properties has usable defaults. */
    static final List<String> REQUIRED = List.of(
            "sgwarden.intake",
            "sgwarden.aws.region",
            "sgwarden.table",
            "sgwarden.sqs.queue-url",
            "sgwarden.slack.signing-secret",
            "sgwarden.slack.channel",
            // without these two, anyone in the channel could revert any rule in the organization
            "sgwarden.slack.allowed-users",
            "sgwarden.slack.allowed-team",
            "sgwarden.revert.role-name",
            "sgwarden.revert.role-path",
            "sgwarden.revert.external-id",
            "sgwarden.lake.event-data-store",
            "sgwarden.lake.role-arn");

    /** Slack posting needs one of these, depending on the mode. */
    static final List<String> REQUIRED_ONE_OF = List.of("sgwarden.slack.webhook-url", "sgwarden.slack.bot-token");

    /**
     * Settings that are credentials; application.properties also marks them "(secret: set ...)".
     * The external ID is one too: the templates keep it NoEcho and in Secrets Manager everywhere.
     */
    static final List<String> SECRETS = List.of(
            "sgwarden.slack.signing-secret", "sgwarden.slack.webhook-url", "sgwarden.slack.bot-token",
            "sgwarden.revert.external-id");

    /** Set by App Runner itself and read by quarkus.http.port. */
    static final String PORT = "PORT";

    /** The event names every EventBridge pattern forwards. */
    static final Set<String> EVENT_NAMES = Set.of(
            "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "ModifySecurityGroupRules",
            "ModifyNetworkInterfaceAttribute", "ModifyInstanceAttribute", "CreateNetworkInterface", "RunInstances",
            "CreateTags", "DeleteTags", "ModifyManagedPrefixList", "RestoreManagedPrefixListVersion");

    /** What the code calls through the spoke role, and nothing else. */
    static final Set<String> SPOKE_ACTIONS = Set.of(
            "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules",
            "ec2:DescribeSecurityGroupRules", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs",
            "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
            "ec2:ModifyNetworkInterfaceAttribute", "ec2:DescribeNetworkInterfaces", "ec2:CreateTags",
            "ec2:DeleteTags", "ec2:GetManagedPrefixListEntries", "ec2:GetManagedPrefixListAssociations",
            "ec2:DescribeManagedPrefixLists", "ec2:ModifyManagedPrefixList");

    private static final Pattern BLOCK = Pattern.compile(
            "^(\\s*)(?:-\\s+)?(RuntimeEnvironmentVariables|RuntimeEnvironmentSecrets|Environment|Secrets)\\s*:(.*)$");
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
    void everyComputeStackPassesEveryProductionSetting() {
        for (String key : REQUIRED) {
            assertTrue(envToKey.containsValue(key),
                    key + " is required in production but is not a key in " + PROPERTIES);
        }
        for (String template : COMPUTE) {
            Set<String> names = passed.stream().filter(p -> p.template().equals(template))
                    .map(Passed::name).collect(Collectors.toSet());
            List<String> missing = new ArrayList<>();
            for (String key : REQUIRED) {
                if (!names.contains(envForm(key))) {
                    missing.add(key + " (" + envForm(key) + ")");
                }
            }
            if (REQUIRED_ONE_OF.stream().noneMatch(key -> names.contains(envForm(key)))) {
                missing.add("one of " + REQUIRED_ONE_OF);
            }
            assertEquals(List.of(), missing, "required in production but not passed by " + template);
        }
    }

    @Test
    void decisionsAreRestrictedByRequiredParameters() throws IOException {
        for (String template : COMPUTE) {
            String text = Files.readString(root.resolve(template), StandardCharsets.UTF_8);
            for (String parameter : List.of("SlackAllowedUsers", "SlackAllowedTeam")) {
                String declaration = parameterBlock(text, parameter);
                assertFalse(declaration.contains("Default:"), template + ": " + parameter
                        + " has a default; it must be required, so nobody deploys an open channel by accident");
                assertTrue(declaration.contains("AllowedPattern:") && !declaration.contains("AllowedPattern: ^$|"),
                        template + ": " + parameter + " must refuse an empty value");
            }
        }
    }

    @Test
    void externalIdIsASecretEverywhere() throws IOException {
        for (String template : List.of(SHARED, MEMBER)) {
            String declaration = parameterBlock(Files.readString(root.resolve(template), StandardCharsets.UTF_8),
                    "ExternalId");
            assertTrue(declaration.contains("NoEcho: true"), template + ": the ExternalId parameter must be NoEcho");
        }
        assertTrue(
                Files.readString(root.resolve(SHARED), StandardCharsets.UTF_8)
                        .contains("SecretString: !Ref ExternalId"),
                SHARED + " must keep the external ID in Secrets Manager");
        String env = envForm("sgwarden.revert.external-id");
        for (String template : COMPUTE) {
            assertTrue(
                    passed.stream().anyMatch(p -> p.template().equals(template) && p.name().equals(env) && p.secret()),
                    template + " must pass " + env + " from Secrets Manager");
        }
    }

    /**
     * A claim left by an instance that died mid-announcement is taken over once claim-timeout has
     * passed; the message meanwhile comes back every visibility timeout. Taking over must happen
     * with receives to spare (two visibility timeouts) before maxReceiveCount sends the message to
     * the dead-letter queue: claim-timeout + 2 x visibility < maxReceiveCount x visibility.
     */
    @Test
    void aStrandedClaimIsTakenOverBeforeItsMessageIsDeadLettered() throws IOException {
        String shared = Files.readString(root.resolve(SHARED), StandardCharsets.UTF_8);
        long visibility = Long.parseLong(single(shared, "VisibilityTimeout:\\s*(\\d+)", SHARED));
        long maxReceives = Long.parseLong(single(shared, "maxReceiveCount:\\s*(\\d+)", SHARED));
        Map<String, String> claimTimeouts = new LinkedHashMap<>();
        claimTimeouts.put(PROPERTIES, readProperty("sgwarden.claim-timeout"));
        for (String template : TEMPLATES) {
            List<String> lines = Files.readAllLines(root.resolve(template), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).matches("\\s*-?\\s*Name:\\s*SGWARDEN_CLAIM_TIMEOUT\\s*")) {
                    Matcher value = Pattern.compile("Value:\\s*\"?([^\"\\s]+)")
                            .matcher(i + 1 < lines.size() ? lines.get(i + 1) : "");
                    assertTrue(value.find(), template + ":" + (i + 2)
                            + ": SGWARDEN_CLAIM_TIMEOUT needs a literal Value on the next line");
                    claimTimeouts.put(template + ":" + (i + 2), value.group(1));
                }
            }
        }
        // The service may ask for its own visibility timeout on each receive; then it is the one in force.
        String serviceVisibility = optionalProperty("sgwarden.sqs.visibility-timeout");
        if (serviceVisibility != null) {
            assertEquals(visibility, seconds(serviceVisibility), "sgwarden.sqs.visibility-timeout in " + PROPERTIES
                    + " must equal the intake queue's VisibilityTimeout in " + SHARED);
        }
        for (Map.Entry<String, String> claim : claimTimeouts.entrySet()) {
            long claimSeconds = seconds(claim.getValue());
            assertTrue(claimSeconds + 2 * visibility < maxReceives * visibility,
                    "claim-timeout " + claim.getValue() + " (" + claim.getKey() + ") + 2 x VisibilityTimeout "
                            + visibility
                            + " s must stay under maxReceiveCount " + maxReceives + " x " + visibility + " s ("
                            + SHARED + "), or a change stranded by a crash reaches the DLQ unannounced");
        }
    }

    @Test
    void durationsReadAsTheServiceReadsThem() {
        assertEquals(120, seconds("2m"));
        assertEquals(600, seconds("10m"));
        assertEquals(90, seconds("90s"));
        assertEquals(90, seconds("90"));
        assertEquals(3600, seconds("1h"));
        assertEquals(120, seconds("PT2M"));
    }

    @Test
    void everyEventPatternForwardsTheWatchedCallsAndDropsFailedOnes() throws IOException {
        int patterns = 0;
        for (String template : TEMPLATES) {
            List<String> lines = Files.readAllLines(root.resolve(template), StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).strip().equals("eventSource: [ec2.amazonaws.com]")) {
                    continue;
                }
                patterns++;
                String where = template + ":" + (i + 1);
                Matcher names = Pattern.compile("^\\s*eventName:\\s*\\[(.*)]\\s*$").matcher(lines.get(i + 1));
                assertTrue(names.matches(), where + ": eventName list expected on the next line");
                Set<String> got = Set.of(names.group(1).split("\\s*,\\s*"));
                assertEquals(EVENT_NAMES, got, where + ": the event names forwarded");
                assertEquals("errorCode: [{exists: false}]", lines.get(i + 2).strip(),
                        where + ": failed calls (errorCode present) must be dropped");
            }
        }
        assertEquals(3, patterns, "EventBridge patterns on ec2 (central, local, member) found in " + TEMPLATES);
        Set<String> lakeNames = Set.of(readProperty("sgwarden.lake.event-names").split("\\s*,\\s*"));
        assertTrue(EVENT_NAMES.containsAll(lakeNames), "the Lake intake looks for " + lakeNames
                + " but EventBridge forwards only " + EVENT_NAMES);
    }

    @Test
    void spokeRoleGrantsExactlyTheCallsTheServiceMakes() throws IOException {
        // actions only: the ARNs' ":ec2:" has a colon before it
        String member = Files.readString(root.resolve(MEMBER), StandardCharsets.UTF_8);
        Matcher action = Pattern.compile("(?<![:\\w])(ec2:[A-Za-z*]+)").matcher(member);
        Set<String> granted = new TreeSet<>();
        while (action.find()) {
            granted.add(action.group(1));
        }
        assertEquals(new TreeSet<>(SPOKE_ACTIONS), granted, MEMBER + ": the spoke role's EC2 actions");
    }

    /**
     * The Lake role allows exactly the CloudTrail calls the Lake intake makes: a role that may also
     * describe or list queries gives whoever holds the service's role more to read than it needs.
     */
    @Test
    void lakeRoleGrantsExactlyTheCallsTheServiceMakes() throws IOException {
        String code = Files.readString(root.resolve("src/main/java/sgwarden/lake/LakeQuery.java"),
                StandardCharsets.UTF_8);
        Matcher call = Pattern.compile("\\blake\\.(\\w+)\\(").matcher(code);
        Set<String> called = new TreeSet<>();
        while (call.find()) {
            called.add("cloudtrail:" + Character.toUpperCase(call.group(1).charAt(0)) + call.group(1).substring(1));
        }
        assertTrue(called.contains("cloudtrail:StartQuery"), "no lake.startQuery( call found: " + called);
        String lake = Files.readString(root.resolve(LAKE), StandardCharsets.UTF_8);
        Matcher action = Pattern.compile("(?<![:\\w])(cloudtrail:[A-Za-z*]+)").matcher(lake);
        Set<String> granted = new TreeSet<>();
        while (action.find()) {
            granted.add(action.group(1));
        }
        assertEquals(called, granted, LAKE + ": the Lake role's actions against the calls in LakeQuery");
        assertFalse(granted.contains("cloudtrail:DescribeQuery"), "DescribeQuery is never called");
    }

    /**
     * Every role that only reads data under the key (the service, the ECS execution role, App
     * Runner's instance role) may only Decrypt (and DescribeKey). Encrypt, ReEncrypt and
     * GenerateDataKey are kept for the services that write: in the key policy, never in a role's policy.
     */
    @Test
    void rolesThatOnlyReadUnderTheKeyMayOnlyDecrypt() throws IOException {
        Set<String> readOnly = Set.of("kms:Decrypt", "kms:DescribeKey");
        int found = 0;
        for (String template : TEMPLATES) {
            String text = Files.readString(root.resolve(template), StandardCharsets.UTF_8);
            for (String resource : resourcesOfType(text, "AWS::IAM::Role", "AWS::IAM::RolePolicy",
                    "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy")) {
                Matcher kms = Pattern.compile("(?<![:\\w])(kms:[A-Za-z*]+)(?![:\\w])")
                        .matcher(resourceBlock(text, resource));
                while (kms.find()) {
                    found++;
                    assertTrue(readOnly.contains(kms.group(1)), template + " " + resource + " grants " + kms.group(1)
                            + "; a role that only reads under the key needs only " + readOnly);
                }
            }
        }
        assertTrue(found >= 3, "the service role and the secrets readers grant kms:Decrypt; found " + found);
        // In the key policy, only the services that encrypt may: EventBridge and CloudWatch generate
        // data keys (sending to the queues and the topic), CloudWatch Logs writes the log groups.
        String key = resourceBlock(Files.readString(root.resolve(SHARED), StandardCharsets.UTF_8), "DataKey");
        for (String statement : key.split("(?m)^\\s*- Sid: ")) {
            if (statement.contains("kms:Encrypt") || statement.contains("kms:ReEncrypt")) {
                assertTrue(statement.startsWith("CloudWatchLogsOfThisAccount")
                        || statement.startsWith("AccountAdministersKeyThroughIam"),
                        SHARED + ": DataKey statement grants Encrypt or ReEncrypt: " + statement);
            }
        }
    }

    /**
     * Anyone in a member account, an admin among them, could otherwise put events on the central
     * bus: only the member stacks' forward roles may, and those only EventBridge may assume, for
     * sgwarden's own rules.
     */
    @Test
    void onlyTheForwardRolesPutEventsOnTheCentralBus() throws IOException {
        String shared = Files.readString(root.resolve(SHARED), StandardCharsets.UTF_8);
        assertEquals(List.of("CentralBusPolicy"), resourcesOfType(shared, "AWS::Events::EventBusPolicy"),
                "one policy on the central bus");
        assertFalse(resourceBlock(shared, "CentralBus").contains("Policy:"), "no inline policy on the bus");
        String policy = resourceBlock(shared, "CentralBusPolicy");
        assertTrue(policy.contains("aws:PrincipalOrgID: !Ref OrganizationId"), "only this organization");
        Matcher arn = Pattern.compile("aws:PrincipalArn:\\s*!Sub\\s+(\\S+)").matcher(policy);
        assertTrue(arn.find(), "PutEvents is conditioned on aws:PrincipalArn");
        assertEquals("arn:${AWS::Partition}:iam::*:role/sgwarden-forward-*", arn.group(1));
        assertFalse(arn.find(), "one principal pattern");
        String member = Files.readString(root.resolve(MEMBER), StandardCharsets.UTF_8);
        String forward = resourceBlock(member, "ForwardRole");
        assertTrue(forward.contains("RoleName: !Sub sgwarden-forward-${AWS::Region}") && !forward.contains("Path:"),
                "the forward role's ARN matches the bus policy's pattern");
        assertTrue(forward.contains("Principal: {Service: events.amazonaws.com}"), "only EventBridge assumes it");
        // every member rule that targets the bus goes through that role
        Matcher target = Pattern.compile("Arn: !Ref CentralBusArn\\n\\s*RoleArn: !GetAtt ForwardRole.Arn")
                .matcher(member);
        int targets = 0;
        while (target.find()) {
            targets++;
        }
        assertEquals(4, targets, MEMBER + ": the four rules that target the central bus, each through ForwardRole");
    }

    /** Restore is the only call that adds a rule; the spoke role can add one only with AllowRestore. */
    @Test
    void spokeRoleAddsRulesOnlyWhenRestoreIsAllowed() throws IOException {
        String member = Files.readString(root.resolve(MEMBER), StandardCharsets.UTF_8);
        String parameter = parameterBlock(member, "AllowRestore");
        assertTrue(parameter.contains("AllowedValues: [\"true\", \"false\"]"), parameter);
        assertTrue(member.contains("CanRestore: !Equals [!Ref AllowRestore, \"true\"]"));
        String role = resourceBlock(member, "SpokeRole");
        for (String statement : role.split("(?m)^\\s*- Sid: ")) {
            if (statement.contains("ec2:Authorize") && statement.contains("Effect: Allow")) {
                assertTrue(statement.startsWith("AddRulesBackOnRestore"),
                        "Authorize granted outside the AllowRestore statement: " + statement);
            }
        }
        assertTrue(Pattern.compile("- !If\\s+- CanRestore\\s+- Sid: AddRulesBackOnRestore").matcher(role).find(),
                "AddRulesBackOnRestore exists only under CanRestore");
    }

    /** With AllowRestore off in the member stacks, the service is told so and offers no Restore. */
    @Test
    void everyComputeStackPassesAllowRestoreToTheService() throws IOException {
        for (String template : COMPUTE) {
            String text = Files.readString(root.resolve(template), StandardCharsets.UTF_8);
            String parameter = parameterBlock(text, "AllowRestore");
            assertTrue(parameter.contains("AllowedValues: [\"true\", \"false\"]"), template + ": " + parameter);
            assertTrue(Pattern.compile("Name: SGWARDEN_RESTORE_ENABLED\\s+Value: !Ref AllowRestore").matcher(text)
                    .find(), template + " passes AllowRestore as SGWARDEN_RESTORE_ENABLED");
        }
    }

    /**
     * Express Mode's load balancer group is passed with this stack's own account, and only when given: the
     * service refuses the one without the other. App Runner has no load balancer group of its own.
     */
    @Test
    void theExpressModeStackPassesItsOwnLoadBalancerGroupWithItsAccount() throws IOException {
        String ecs = Files.readString(root.resolve(COMPUTE.get(0)), StandardCharsets.UTF_8);
        String parameter = parameterBlock(ecs, "LoadBalancerSecurityGroupId");
        assertTrue(parameter.contains("AllowedPattern: ^$|^sg-"), parameter);
        assertTrue(Pattern.compile("- HasOwnLoadBalancerGroup\\s+- Name: SGWARDEN_OWN_LOAD_BALANCER_ACCOUNT\\s+"
                + "Value: !Ref AWS::AccountId").matcher(ecs).find(), "the group's account is the stack's own");
        assertTrue(Pattern.compile("- HasOwnLoadBalancerGroup\\s+- Name: SGWARDEN_OWN_LOAD_BALANCER_SECURITY_GROUP\\s+"
                + "Value: !Ref LoadBalancerSecurityGroupId").matcher(ecs).find(), "the group, when given");
        assertTrue(ecs.contains("!GetAtt Service.ECSManagedResourceArns.IngressPath.LoadBalancerSecurityGroups"),
                "the output that names the group after the first deploy");
        String appRunner = Files.readString(root.resolve(COMPUTE.get(1)), StandardCharsets.UTF_8);
        assertFalse(appRunner.contains("SGWARDEN_OWN_LOAD_BALANCER"), "App Runner's endpoint has no group here");
    }

    @Test
    void tableHasTheDueIndexForTheExpiryAndReminderTimer() throws IOException {
        String shared = Files.readString(root.resolve(SHARED), StandardCharsets.UTF_8).replaceAll("(?m)^\\s*#.*\\n",
                "");
        assertTrue(Pattern.compile("AttributeName: dueShard\\s+AttributeType: S").matcher(shared).find(),
                "dueShard (S)");
        assertTrue(Pattern.compile("AttributeName: dueAt\\s+AttributeType: N").matcher(shared).find(), "dueAt (N)");
        assertTrue(Pattern.compile("IndexName: due-index\\s+KeySchema:\\s+- AttributeName: dueShard\\s+KeyType: HASH"
                + "\\s+- AttributeName: dueAt\\s+KeyType: RANGE\\s+Projection:\\s+ProjectionType: ALL").matcher(shared)
                .find(),
                SHARED + ": GSI due-index (dueShard HASH, dueAt RANGE, projection ALL)");
    }

    @Test
    void slackCredentialsArePassedOnlyAsSecrets() {
        Set<String> secretEnv = new TreeSet<>(markedSecretEnv);
        SECRETS.forEach(key -> secretEnv.add(envForm(key)));
        for (Passed p : passed) {
            if (secretEnv.contains(p.name()) && !p.secret()) {
                fail(p.name() + " is a credential but is passed as a plain variable at " + p.where()
                        + "; pass it under RuntimeEnvironmentSecrets (App Runner) or Secrets (ECS) from Secrets Manager");
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
                "      RuntimeEnvironmentSecrets: [{Name: SGWARDEN_E, Value: arn}]",
                "      PrimaryContainer:",
                "        Environment:",
                "          - Name: SGWARDEN_F",
                "            Value: z",
                "        Secrets:",
                "          - Name: SGWARDEN_G",
                "            ValueFrom: arn",
                "        ContainerPort: 8080",
                "      Name: NOT_IN_A_BLOCK_EITHER");
        List<String> read = passedNames("t.yaml", lines).stream()
                .map(p -> p.name() + (p.secret() ? "*" : "")).collect(Collectors.toList());
        assertEquals(List.of("SGWARDEN_A", "SGWARDEN_B", "SGWARDEN_C", "SGWARDEN_D*", "SGWARDEN_E*",
                "SGWARDEN_F", "SGWARDEN_G*"), read);
        assertEquals("SGWARDEN_SLACK_BOT_TOKEN", envForm("sgwarden.slack.bot-token"));
    }

    /** Every call on sgwarden's own rules and roles, each where the service reads it as a tamper event. */
    static final Set<String> PLUMBING_CALLS = new TreeSet<>();
    static {
        PLUMBING_CALLS.addAll(sgwarden.plumbing.PlumbingEvents.RULE_CALLS);
        PLUMBING_CALLS.addAll(sgwarden.plumbing.PlumbingEvents.ROLE_CALLS);
    }

    @Test
    void sgwardensOwnRulesAndRolesAreWatchedByARuleOfTheirOwnEverywhere() throws IOException {
        String member = Files.readString(root.resolve(MEMBER), StandardCharsets.UTF_8);
        String shared = Files.readString(root.resolve(SHARED), StandardCharsets.UTF_8);
        Map<String, String> rules = Map.of(MEMBER + " PlumbingForwardRule",
                parameterBlock(member, "PlumbingForwardRule"),
                SHARED + " CentralPlumbingRule", parameterBlock(shared, "CentralPlumbingRule"),
                SHARED + " LocalPlumbingRule", parameterBlock(shared, "LocalPlumbingRule"));
        rules.forEach((where, rule) -> {
            for (String call : PLUMBING_CALLS) {
                assertTrue(Pattern.compile("[\\s\\[,]" + call + "[\\s,\\]]").matcher(rule).find(),
                        where + " does not forward " + call);
            }
            assertTrue(rule.contains("name: [{prefix: sgwarden-}]") && rule.contains("rule: [{prefix: sgwarden-}]")
                    && rule.contains("roleName: [!Ref SpokeRoleName, {prefix: sgwarden-}]"),
                    where + ": the rules and roles named sgwarden-*, and the spoke role");
            assertTrue(rule.contains("source: [aws.iam]") && rule.contains("source: [aws.events]"), where);
            // a call an SCP refused is an attempt worth posting
            assertFalse(rule.contains("errorCode"), where + ": refused calls are forwarded too");
        });
        String forward = parameterBlock(member, "PlumbingForwardRule");
        assertTrue(forward.contains("Name: sgwarden-forward-plumbing") && forward.contains("Arn: !Ref CentralBusArn"),
                "a rule separate from sgwarden-forward-sg-changes, to the central bus");
        assertTrue(parameterBlock(member, "ForwardRole").contains("RoleName: !Sub sgwarden-forward-${AWS::Region}"),
                "the forward role is named sgwarden-*, so that changes to it are watched");
        for (String rule : List.of("sgwarden-forward-plumbing", "sgwarden-heartbeat")) {
            assertTrue(parameterBlock(member, "ForwardRole").contains(":rule/" + rule),
                    "the forward role trusts " + rule);
        }
        String memberDlq = parameterBlock(member, "ForwardDeadLetterQueuePolicy");
        assertTrue(memberDlq.contains("PlumbingForwardRule.Arn") && memberDlq.contains("HeartbeatRule.Arn"));
        String queuePolicy = parameterBlock(shared, "QueuePolicy");
        for (String rule : List.of("CentralPlumbingRule", "LocalPlumbingRule", "LocalHeartbeatRule")) {
            assertTrue(queuePolicy.contains("!GetAtt " + rule + ".Arn"), "the intake queue admits " + rule);
            assertTrue(parameterBlock(shared, rule).contains("Arn: !GetAtt Queue.Arn"), rule + " targets the queue");
        }
    }

    @Test
    void everyAccountAndRegionSendsAHeartbeatTheServiceAccepts() throws IOException {
        String member = Files.readString(root.resolve(MEMBER), StandardCharsets.UTF_8);
        String shared = Files.readString(root.resolve(SHARED), StandardCharsets.UTF_8);
        String name = sgwarden.plumbing.PlumbingEvents.HEARTBEAT_RULE;
        for (String heartbeat : List.of(parameterBlock(member, "HeartbeatRule"),
                parameterBlock(shared, "LocalHeartbeatRule"))) {
            assertTrue(heartbeat.contains("Name: " + name + "\n"),
                    "the one rule name the service accepts: " + heartbeat);
            assertTrue(heartbeat.contains("ScheduleExpression: rate(5 minutes)"), heartbeat);
            assertFalse(heartbeat.contains("InputTransformer"), "sent as EventBridge emits it (source aws.events)");
        }
        assertTrue(parameterBlock(member, "HeartbeatRule").contains("Arn: !Ref CentralBusArn"));
        String central = parameterBlock(shared, "CentralPlumbingRule");
        assertTrue(central.contains("detail-type: [Scheduled Event]")
                && central.contains("resources: [{suffix: \":rule/" + name + "\"}]"),
                "the central bus lets the heartbeats through to the queue, and no other scheduled event");
        // a silence is three missed heartbeats at the default, never one late one
        assertTrue(seconds(readProperty("sgwarden.heartbeat.silence")) >= 2 * 300,
                "sgwarden.heartbeat.silence must outlast two heartbeat periods");
    }

    @Test
    void tamperAlertsAndSilencesHaveAlarmsInEveryComputeStack() throws IOException {
        String audit = Files.readString(root.resolve("src/main/java/sgwarden/ops/AuditLog.java"));
        String routes = Files.readString(root.resolve("src/main/java/routes/PlumbingRoutes.java"));
        assertTrue(audit.contains("f.put(\"audit\", \"tamper\")") && audit.contains("fields(\"posing\"")
                && audit.contains("f.put(\"audit\", \"heartbeat\")")
                && routes.contains("heartbeat('SILENT'"), "the audit lines the filters match");
        for (String compute : COMPUTE) {
            String text = Files.readString(root.resolve(compute), StandardCharsets.UTF_8);
            assertTrue(parameterBlock(text, "TamperFilter").contains("$.mdc.audit = \"tamper\""), compute);
            assertTrue(parameterBlock(text, "TamperAlarm").contains("MetricName: TamperAlerts"), compute);
            assertTrue(parameterBlock(text, "PosingFilter").contains("$.mdc.audit = \"posing\""), compute);
            assertTrue(parameterBlock(text, "PosingAlarm").contains("MetricName: PosingChanges"), compute);
            assertTrue(parameterBlock(text, "HeartbeatSilentFilter").contains("$.mdc.outcome = \"SILENT\""), compute);
            assertTrue(parameterBlock(text, "HeartbeatSilentAlarm").contains("MetricName: HeartbeatsSilent"), compute);
            String byPlace = parameterBlock(text, "HeartbeatSilentByPlaceFilter");
            assertTrue(byPlace.contains("Value: $.mdc.account") && byPlace.contains("Value: $.mdc.region"),
                    compute + ": a metric per account and region");
        }
    }

    /**
     * A first deployment: both Slack secrets start as the placeholder the service recognizes and waits
     * for (so the stacks complete), every compute stack alarms on a start that waits (so that putting a
     * placeholder back is seen), and the queue keeps what waits meanwhile longer than SQS's default, but
     * shorter than the DLQ, which counts a message's age from its first enqueue.
     */
    @Test
    void aFirstDeploymentWaitsForTheSlackSecretsHoldsTheQueueAndIsAlarmed() throws IOException {
        Map<String, Object> resources = cast(ContainerEnvironment.read(root.resolve(SHARED)).get("Resources"));
        for (String secret : List.of("SigningSecret", "SlackPostSecret")) {
            Map<String, Object> properties = cast(cast(resources.get(secret)).get("Properties"));
            assertEquals(sgwarden.config.SlackSecrets.PLACEHOLDER, properties.get("SecretString"),
                    SHARED + ": " + secret + " must be seeded with the placeholder the service waits for");
        }
        long queue = ((Number) cast(cast(resources.get("Queue")).get("Properties")).get("MessageRetentionPeriod"))
                .longValue();
        long dlq = ((Number) cast(cast(resources.get("DeadLetterQueue")).get("Properties"))
                .get("MessageRetentionPeriod")).longValue();
        assertTrue(queue >= 7 * 86_400 && queue < dlq, "intake retention " + queue + " s: at least a week of"
                + " set-up, and less than the DLQ's " + dlq + " s");
        String check = Files.readString(root.resolve("src/main/java/sgwarden/config/SettingsCheck.java"));
        assertTrue(check.contains("MDC.put(WAITING, \"slack-secrets\")")
                && sgwarden.config.SettingsCheck.WAITING.equals("waiting"), "the field the filters match");
        for (String compute : COMPUTE) {
            String text = Files.readString(root.resolve(compute), StandardCharsets.UTF_8);
            assertTrue(parameterBlock(text, "WaitingFilter").contains("$.mdc.waiting = \"slack-secrets\""), compute);
            assertTrue(parameterBlock(text, "WaitingAlarm").contains("MetricName: WaitingForSlackSecrets"), compute);
        }
    }

    /**
     * The environment each compute stack gives the service on a first deployment, read from the templates
     * with the secrets as the shared stack seeds them, passes the settings check and waits for both Slack
     * secrets, in either Slack mode (FirstDeployIT starts the packaged service with it).
     */
    @Test
    void eachComputeStacksFirstDeploymentEnvironmentWaitsForTheSlackSecrets() throws IOException {
        for (String compute : COMPUTE) {
            for (String mode : List.of("webhook", "bot-token")) {
                Map<String, String> env = ContainerEnvironment.firstDeploy(root, compute,
                        Map.of("ImageTag", "first", "SlackMode", mode, "SlackAllowedUsers", "U0ALICE",
                                "SlackAllowedTeam", "T0SGWARDEN"),
                        Map.of("OrganizationId", "o-abcdefghij", "ExternalId", "first-deploy-external-id",
                                "AlarmEmail", "security@example.com"),
                        Map.of("Table", "secgrouprequests", "Queue",
                                "https://sqs.us-east-1.amazonaws.com/123456789012/sgwarden-intake"),
                        "us-east-1");
                sgwarden.config.Settings settings = sgwarden.testing.SettingsFrom.environment(env);
                assertEquals(List.of(), sgwarden.config.SettingsCheck.problems(settings), compute + " " + mode);
                assertEquals(List.of(sgwarden.config.SettingsCheck.name(mode.equals("webhook")
                        ? "sgwarden.slack.webhook-url"
                        : "sgwarden.slack.bot-token"),
                        sgwarden.config.SettingsCheck.name("sgwarden.slack.signing-secret")),
                        sgwarden.config.SlackSecrets.waitingFor(settings), compute + " " + mode);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void theScpDeniesChangesToSgwardensPartsToAllButTheStackSetsRole() throws IOException {
        var scp = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(root.resolve("deploy/scp/protect-sgwarden-plumbing.json").toFile());
        Set<String> denied = new TreeSet<>();
        for (var statement : scp.path("Statement")) {
            assertEquals("Deny", statement.path("Effect").asText());
            String resource = statement.path("Resource").asText();
            assertTrue(resource.endsWith(":rule/sgwarden-*") || resource.endsWith(":role/*sgwarden-*"), resource);
            assertEquals("arn:aws:iam::*:role/stacksets-exec-*",
                    statement.path("Condition").path("ArnNotLike").path("aws:PrincipalARN").asText(),
                    statement.path("Sid").asText() + ": only the StackSets execution role is exempt");
            var actions = statement.path("Action");
            if (actions.isArray()) {
                actions.forEach(a -> denied.add(a.asText()));
            } else {
                denied.add(actions.asText());
            }
        }
        sgwarden.plumbing.PlumbingEvents.RULE_CALLS
                .forEach(call -> assertTrue(denied.contains("events:" + call), call));
        sgwarden.plumbing.PlumbingEvents.ROLE_CALLS.forEach(call -> assertTrue(denied.contains("iam:" + call), call));
        assertTrue(denied.contains("iam:CreateRole"), "no one else may take the spoke role's name");
        String docs = Files.readString(root.resolve("docs/deployment.md"));
        assertTrue(
                docs.contains("deploy/scp/protect-sgwarden-plumbing.json") && docs.contains("The management account"),
                "docs/deployment.md recommends it and says what it does not cover");
    }

    /** A resource's lines (or a parameter's: both sit at two spaces in their section). */
    static String resourceBlock(String template, String resource) {
        return parameterBlock(template, resource);
    }

    /** The logical IDs of the resources of the given types, in template order. */
    static List<String> resourcesOfType(String template, String... types) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^  (\\w+):\\s*\\n    Type: (\\S+)").matcher(template);
        while (m.find()) {
            if (List.of(types).contains(m.group(2))) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    /**
     * A new customer follows numbered steps: the management account's own stacks and the SCPs are
     * steps of their own, each with the commands and the files it needs, not prose elsewhere.
     */
    @Test
    void theGuideNumbersEveryStepANewCustomerTakes() throws IOException {
        String docs = Files.readString(root.resolve("docs/deployment.md"), StandardCharsets.UTF_8);
        Matcher step = Pattern.compile("(?m)^### (\\d+)\\. (.+)$").matcher(docs);
        Map<String, String> steps = new LinkedHashMap<>();
        int expected = 1;
        while (step.find() && step.group(1).equals(String.valueOf(expected))) {
            steps.put(step.group(2), docs.substring(step.end()));
            expected++;
        }
        String management = steps.entrySet().stream().filter(e -> e.getKey().contains("management account"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        assertTrue(management != null, "a numbered step for the management account's own stacks: " + steps.keySet());
        assertTrue(management.substring(0, management.indexOf("\n### ")).contains("member-account.yaml"),
                "that step deploys the member template");
        String scps = steps.entrySet().stream().filter(e -> e.getKey().contains("service control policies"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        assertTrue(scps != null, "a numbered step for the SCPs: " + steps.keySet());
        String scpStep = scps.substring(0, scps.indexOf("\n### "));
        for (String file : List.of("deploy/scp/protect-sgwarden-plumbing.json",
                "deploy/scp/deny-unwatched-regions.json")) {
            assertTrue(scpStep.contains("file://" + file), "the SCP step creates " + file);
        }
        assertTrue(scpStep.contains("attach-policy"), "and attaches it");
    }

    /**
     * IAM keeps a trusted role's unique ID, not its name: once sgwarden-service is deleted and made
     * again, every role that trusts it must have its trust policy written again. Each such role
     * carries TrustRevision in its trust policy, so that raising the parameter rewrites it.
     */
    @Test
    void everyRoleThatTrustsTheServiceRoleIsRewrittenWhenTrustRevisionChanges() throws IOException {
        Map<String, String> trusting = Map.of(MEMBER, "SpokeRole", LAKE, "LakeReadRole", ORG_NAMES, "OrgNamesRole");
        for (String template : TEMPLATES) {
            String text = Files.readString(root.resolve(template), StandardCharsets.UTF_8);
            for (String role : resourcesOfType(text, "AWS::IAM::Role")) {
                String trust = resourceBlock(text, role);
                trust = trust.substring(trust.indexOf("AssumeRolePolicyDocument:"));
                int policies = trust.indexOf("\n      Policies:");
                trust = policies < 0 ? trust : trust.substring(0, policies);
                boolean trustsServiceRole = trust.contains("Principal: {AWS: !Ref ServiceRoleArn}");
                assertEquals(role.equals(trusting.get(template)), trustsServiceRole,
                        template + " " + role + ": the roles that trust the service role");
                if (trustsServiceRole) {
                    assertTrue(trust.contains("Sid: !Sub TrustServiceRoleRevision${TrustRevision}"),
                            template + " " + role + ": the trust policy must change with TrustRevision");
                    assertTrue(parameterBlock(text, "TrustRevision").contains("AllowedPattern: ^[0-9]{1,6}$"),
                            template + ": TrustRevision takes a number, which a Sid may hold");
                }
            }
        }
        String docs = Files.readString(root.resolve("docs/deployment.md"), StandardCharsets.UTF_8);
        assertTrue(docs.contains("TrustRevision") && docs.contains("unique ID"),
                "the guide says why and how to raise TrustRevision");
    }

    /** Slack must reach the load balancer: the stack and the guide warn that private subnets likely keep it out. */
    @Test
    void privateSubnetsAreWarnedOfWhereTheyAreChosen() throws IOException {
        String express = Files.readString(root.resolve(COMPUTE.get(0)), StandardCharsets.UTF_8);
        assertTrue(parameterBlock(express, "Subnets").contains("internal load balancer"),
                COMPUTE.get(0) + ": the Subnets parameter says private subnets likely give an internal load balancer");
        String docs = Files.readString(root.resolve("docs/deployment.md"), StandardCharsets.UTF_8);
        assertTrue(docs.contains("**Private subnets.**") && docs.contains("**internal** load balancer")
                && docs.contains("**Use public subnets**"), "the guide says so, how to check it and what to do");
    }

    /** The lines of one parameter's declaration, up to the next parameter or section. */
    static String parameterBlock(String template, String parameter) {
        Matcher m = Pattern.compile("(?m)^  " + Pattern.quote(parameter) + ":\\s*\\n((?:    .*\\n|\\s*\\n)*)")
                .matcher(template);
        assertTrue(m.find(), "no parameter " + parameter);
        return m.group(1);
    }

    private static String single(String text, String regex, String where) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), where + ": nothing matches " + regex);
        String value = m.group(1);
        assertFalse(m.find(), where + ": more than one match of " + regex);
        return value;
    }

    private static String readProperty(String key) throws IOException {
        String value = optionalProperty(key);
        assertTrue(value != null && !value.isBlank(), key + " has no default in " + PROPERTIES);
        return value;
    }

    private static String optionalProperty(String key) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(root.resolve(PROPERTIES), StandardCharsets.UTF_8)) {
            properties.load(in);
        }
        String value = properties.getProperty(key);
        return value == null ? null : value.strip();
    }

    /** Seconds in a duration as SmallRye Config reads it: ISO-8601, or a number with ms/s/m/h/d (none = s). */
    static long seconds(String duration) {
        String d = duration.strip();
        if (d.toUpperCase(Locale.ROOT).startsWith("P")) {
            return java.time.Duration.parse(d.toUpperCase(Locale.ROOT)).toSeconds();
        }
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(d);
        assertTrue(m.matches(), "not a duration: " + duration);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms" :
                return n / 1000;
            case "m" :
                return n * 60;
            case "h" :
                return n * 3600;
            case "d" :
                return n * 86400;
            default :
                return n;
        }
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
            boolean secret = block.group(2).endsWith("Secrets");
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

    static Path projectRoot() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(PROPERTIES)) && Files.isDirectory(p.resolve("deploy/cloudformation"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "no project root (with " + PROPERTIES + " and deploy/cloudformation) above " + dir);
    }
}
