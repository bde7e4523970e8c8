package deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import sgwarden.config.SlackSecrets;
import sgwarden.slack.SlackSignature;
import sgwarden.testing.Accounts;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.Jvm;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/**
 * The first deployment as a new customer walks it (docs/deployment.md, steps 2 to 5): the packaged
 * service started with the environment each compute stack gives it, read from the templates
 * (ContainerEnvironment), while the Slack secrets still hold what the shared stack seeds them with.
 * It must reach the state the guide describes, "waiting for the Slack secrets": it answers the load
 * balancer, says what it waits for (readiness on the management port, one WARN line the stacks alarm
 * on), reads nothing (a change made meanwhile stays on the queue, never received, so it cannot reach
 * the DLQ), and takes no click signed with the public placeholder. Started again with the secrets set,
 * it announces the change it held. The two stacks give the same environment on a first deployment,
 * so each distinct environment is started once per Slack mode, the two modes side by side.
 */
class FirstDeployIT {

    static final List<String> COMPUTE = DeploymentContractTest.COMPUTE;
    static final String REGION = "us-east-1";
    static final ObjectMapper JSON = new ObjectMapper();

    static Moto moto;
    static SlackStandIn slack;
    static final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void standIns() {
        // the table as the shared stack makes it (MotoResource); each Slack mode gets its own queues below
        new MotoResource().start();
        moto = Moto.start();
        slack = new SlackStandIn();
    }

    /**
     * The intake queue and its DLQ with the shared stack's numbers, one pair per Slack mode: a replica
     * stopped mid long poll leaves the poll open in moto for its wait time, which would take the next
     * mode's change.
     */
    static String queue(String name) throws Exception {
        Map<String, Object> queue = resource("Queue");
        Map<String, Object> redrive = map(queue.get("RedrivePolicy"));
        String url = Queue.createWithDeadLetter(moto, name, name + "-dlq",
                ((Number) queue.get("VisibilityTimeout")).intValue(),
                ((Number) redrive.get("maxReceiveCount")).intValue());
        try (var sqs = Aws.sqs(moto)) {
            sqs.setQueueAttributes(b -> b.queueUrl(url).attributesWithStrings(Map.of(
                    "MessageRetentionPeriod", String.valueOf(queue.get("MessageRetentionPeriod")))));
        }
        return url;
    }

    @AfterAll
    static void stop() {
        started.forEach(FirstDeployIT::stop);
        slack.stop();
    }

    /** One Slack mode of a first deployment: its queue, the change made during set-up, and its environments. */
    record Mode(String name, String setting, String queue, String queueUrl, Accounts.Change change,
            Map<Map<String, String>, List<String>> environments) {
    }

    /**
     * Both Slack modes side by side, each with its own queue, so that the slow part (a JVM start) happens
     * twice in all rather than four times in a row: first every distinct first-deployment environment,
     * then each mode with its secrets set.
     */
    @Test
    void aFirstDeployWaitsForTheSlackSecretsHoldsTheChangesAndAnnouncesThemOnceSet() throws Exception {
        List<Mode> modes = new ArrayList<>();
        for (String mode : List.of("webhook", "bot-token")) {
            String queue = "sgwarden-intake-" + mode;
            String queueUrl = queue(queue);
            // each distinct environment the compute stacks give on a first deployment, with the stacks giving it
            Map<Map<String, String>, List<String>> environments = new LinkedHashMap<>();
            for (String compute : COMPUTE) {
                environments.computeIfAbsent(firstDeploy(compute, mode, queueUrl), e -> new ArrayList<>())
                        .add(compute);
            }
            // a change made during set-up, before the Slack app exists
            Accounts.Change change = Accounts.openSsh(moto);
            try (var sqs = Aws.sqs(moto)) {
                sqs.sendMessage(b -> b.queueUrl(queueUrl)
                        .messageBody(Records.envelope(change.record(), change.account(), change.region())));
            }
            modes.add(new Mode(mode, mode.equals("webhook") ? "sgwarden.slack.webhook-url (SGWARDEN_SLACK_WEBHOOK_URL)"
                    : "sgwarden.slack.bot-token (SGWARDEN_SLACK_BOT_TOKEN)", queue, queueUrl, change, environments));
        }

        // steps 3 and 4: the compute stack deployed, the secrets still seeded
        Map<String, Started> waiting = new LinkedHashMap<>();
        for (Mode mode : modes) {
            int n = 0;
            for (Map<String, String> environment : mode.environments().keySet()) {
                String name = "first-deploy-" + mode.name() + "-" + n++;
                waiting.put(name, start(environment, name));
            }
        }
        for (Mode mode : modes) {
            int n = 0;
            for (List<String> stacks : mode.environments().values()) {
                String name = "first-deploy-" + mode.name() + "-" + n++;
                assertWaiting(mode, waiting.get(name), name, "SlackMode=" + mode.name() + " " + stacks);
            }
        }
        waiting.values().forEach(w -> stop(w.process()));
        assertEquals(List.of(), slack.attempts(), "nothing was posted while waiting");

        // step 5: the secrets set as Slack issues them, new tasks started
        List<Started> set = new ArrayList<>();
        for (Mode mode : modes) {
            Map<String, String> environment = new HashMap<>(mode.environments().keySet().iterator().next());
            environment.put("SGWARDEN_SLACK_SIGNING_SECRET", SlackStandInResource.SIGNING_SECRET);
            environment.put(mode.name().equals("webhook") ? "SGWARDEN_SLACK_WEBHOOK_URL" : "SGWARDEN_SLACK_BOT_TOKEN",
                    mode.name().equals("webhook") ? slack.webhookUrl() : SlackStandIn.BOT_TOKEN);
            set.add(start(environment, "first-deploy-" + mode.name() + "-set"));
        }
        for (int i = 0; i < modes.size(); i++) {
            Mode mode = modes.get(i);
            Started service = set.get(i);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !slack.messagesMentioning(mode.change().eventId()).isEmpty());
            await().atMost(Duration.ofSeconds(30)).until(() -> Queue.depth(moto, mode.queue()) == 0);
            assertEquals(1, slack.messagesMentioning(mode.change().eventId()).size(), mode.name());
            assertEquals(0, Queue.depth(moto, mode.queue() + "-dlq"), mode.name());
            assertEquals(200, get(service.management(), "/q/health/ready").statusCode(), mode.name());
            assertFalse(Files.readString(log("first-deploy-" + mode.name() + "-set"))
                    .contains("waiting for the Slack secrets"), mode.name());
        }
        // nothing left to see: not the graceful stop, which waits out the SQS poll in hand
        for (Started service : set) {
            service.process().destroyForcibly().waitFor();
        }
    }

    /** What docs/deployment.md, step 3, says a service waiting for its Slack secrets does. */
    static void assertWaiting(Mode mode, Started service, String name, String where) throws Exception {
        // the load balancer keeps the task: /healthz answers ok
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> get(service.management(), "/q/health/ready").statusCode() == 503);
        assertEquals("200 ok", status(get(service.port(), "/healthz")), where);
        // the management port says what it waits for
        JsonNode check = check(get(service.management(), "/q/health/ready").body(), "slack-secrets");
        assertEquals("DOWN", check.path("status").asText(), where);
        String waitingFor = check.path("data").path("waiting-for").asText();
        assertTrue(waitingFor.contains(mode.setting()), where + ": " + waitingFor);
        assertTrue(waitingFor.contains("sgwarden.slack.signing-secret (SGWARDEN_SLACK_SIGNING_SECRET)"),
                where + ": " + waitingFor);
        // every other check is up: the table answers, and the intakes that are not started are not faults
        JsonNode ready = JSON.readTree(get(service.management(), "/q/health/ready").body());
        ready.path("checks").forEach(c -> {
            if (!c.path("name").asText().equals("slack-secrets")) {
                assertEquals("UP", c.path("status").asText(), where + ": " + c);
            }
        });
        // the placeholder is public: a click signed with it is refused like any unsigned one
        assertEquals(401, signedClick(service.port(), SlackSecrets.PLACEHOLDER, mode.change().eventId()), where);

        // one WARN line, as JSON with the field the compute stacks' metric filter counts
        List<JsonNode> lines = jsonLines(name);
        List<JsonNode> warned = lines.stream()
                .filter(l -> "slack-secrets".equals(l.path("mdc").path("waiting").asText())).toList();
        assertEquals(1, warned.size(), where + ": " + warned);
        assertEquals("WARN", warned.get(0).path("level").asText(), where);
        String warning = warned.get(0).path("message").asText();
        assertTrue(warning.startsWith("waiting for the Slack secrets: " + mode.setting()), where + ": " + warning);
        assertTrue(warning.contains("--force-new-deployment") && warning.contains("apprunner start-deployment"),
                where + ": " + warning);
        assertFalse(warning.contains(SlackSecrets.PLACEHOLDER), "the line names settings, not values");
        assertEquals(List.of(), lines.stream().filter(l -> "ERROR".equals(l.path("level").asText())).toList(),
                where);
        // neither intake runs, nor the silence check (no heartbeat is read); Camel lists them at start
        for (String route : List.of("sqs-intake", "lake-poll", "heartbeat-silence-timer")) {
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.path("message").asText().trim().startsWith("Disabled " + route + " ")),
                    where + ": " + route + " started");
        }

        // the change is held: still on the queue, never received, nothing on the DLQ
        assertEquals(1, Queue.depth(moto, mode.queue()), where);
        assertEquals(0, Queue.depth(moto, mode.queue() + "-dlq"), where);
        assertEquals(1, receivesSoFar(mode.queueUrl()), where + ": the waiting service received the change");
    }

    /** The environment the stack gives the container on a first deployment, as in docs/deployment.md, step 3. */
    static Map<String, String> firstDeploy(String compute, String mode, String queueUrl) throws Exception {
        return ContainerEnvironment.firstDeploy(DeploymentContractTest.projectRoot(), compute,
                Map.of("SharedStackName", "sgwarden-shared", "ImageTag", "first", "SlackMode", mode,
                        "SlackChannel", SlackStandIn.CHANNEL, "SlackAllowedUsers", "U0ALICE,U0BOB",
                        "SlackAllowedTeam", Clicks.TEAM, "Intake", "sqs"),
                Map.of("OrganizationId", "o-abcdefghij", "ExternalId", "first-deploy-external-id",
                        "AlarmEmail", "security@example.com"),
                Map.of("Table", MotoResource.TABLE, "Queue", queueUrl), REGION);
    }

    record Started(Process process, int port, int management) {
    }

    /**
     * The packaged service with exactly this environment, plus only what stands in for AWS and Slack here
     * (endpoints and credentials), the ports, and each change announced alone (the group window is not
     * what this test is about, and would hold the announcement 15 s).
     */
    static Started start(Map<String, String> environment, String name) throws Exception {
        int port = freePort();
        int management = freePort();
        ProcessBuilder builder = new ProcessBuilder(Jvm.command("-Xmx256m", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + management, "-jar", "target/quarkus-app/quarkus-run.jar"))
                .redirectErrorStream(true).redirectOutput(log(name).toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SGWARDEN_") || k.startsWith("AWS_"));
        builder.environment().putAll(environment);
        builder.environment().putAll(Map.of("SGWARDEN_AWS_ENDPOINT_OVERRIDE", moto.endpoint(),
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                "SGWARDEN_SLACK_SERVER_URL", slack.baseUrl(), "SGWARDEN_GROUP_WINDOW", "0s"));
        Process process = builder.start();
        started.add(process);
        return new Started(process, port, management);
    }

    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How often the change's message has been received, counting this look at it, which leaves it visible. */
    static int receivesSoFar(String queueUrl) {
        try (var sqs = Aws.sqs(moto)) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).visibilityTimeout(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            assertEquals(1, got.size());
            return Integer.parseInt(got.get(0).attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        }
    }

    static int signedClick(int port, String secret, String changeId) throws Exception {
        String body = Clicks
                .form(Clicks.payload("sgwarden_deny", changeId, "U0ALICE", "alice", slack.newResponseUrl()));
        String now = Long.toString(Instant.now().getEpochSecond());
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/slack/interactions")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", now)
                .header("X-Slack-Signature", SlackSignature.sign(secret, now, body.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    static JsonNode check(String readiness, String name) throws Exception {
        for (JsonNode c : JSON.readTree(readiness).path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + readiness);
    }

    static List<JsonNode> jsonLines(String name) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(log(name))) {
            if (line.startsWith("{")) {
                out.add(JSON.readTree(line));
            }
        }
        return out;
    }

    static Path log(String name) {
        return Path.of("target", name + ".log");
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static String status(HttpResponse<String> response) {
        return response.statusCode() + " " + response.body();
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Map<String, Object> resource(String logicalId) throws Exception {
        Map<String, Object> shared = ContainerEnvironment.read(DeploymentContractTest.projectRoot()
                .resolve(ContainerEnvironment.SHARED));
        return map(map(map(map(shared.get("Resources")).get(logicalId))).get("Properties"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
