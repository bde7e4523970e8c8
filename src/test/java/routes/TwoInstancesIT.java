package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sgwarden.slack.SlackSignature;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.Jvm;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.LakeStandInResource;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/**
 * Two replicas of the packaged service, both polling the Lake on the same period and both consuming
 * the queue, over the same table: every change is announced once and every Deny reverts once.
 */
class TwoInstancesIT {

    static final MotoResource motoResource = new MotoResource();
    static final SlackStandInResource slackResource = new SlackStandInResource();
    static final LakeStandInResource lakeResource = new LakeStandInResource();
    static Moto moto;
    static SlackStandIn slack;
    static LakeStandIn lake;
    static final List<Process> instances = new ArrayList<>();
    static final List<Integer> ports = new ArrayList<>();
    static final Map<String, String> settings = new HashMap<>();

    @BeforeAll
    static void startTwoInstances() throws Exception {
        settings.putAll(motoResource.start());
        settings.putAll(slackResource.start());
        settings.putAll(lakeResource.start());
        moto = Moto.start();
        slack = slackResource.standIn();
        lake = lakeResource.standIn();
        // an hour of changes is replayed in seconds: the look-back covers the whole hour on every run
        settings.putAll(Map.of("sgwarden.intake", "both", "sgwarden.lake.period", "500ms",
                "sgwarden.lake.lookback", "70m",
                "sgwarden.lake.initial-delay", "100ms", "sgwarden.lake.poll-interval", "20ms",
                "sgwarden.slack.post.delay", "50", "sgwarden.sqs.wait-time", "1",
                "aws.accessKeyId", "test", "aws.secretAccessKey", "test"));
        settings.putAll(Map.of("sgwarden.slack.rate", "100", "sgwarden.slack.burst", "100",
                "sgwarden.approval.durations", "5s,1h,permanent", "sgwarden.approval.check-period", "500ms",
                // each change alone: this test counts single messages
                "sgwarden.group.window", "0s"));
        // the service refuses to start without an allow list
        settings.putAll(
                Map.of("sgwarden.slack.allowed-users", "U0ALICE,U0BOB", "sgwarden.slack.allowed-team", Clicks.TEAM));
        for (int i = 0; i < 2; i++) {
            int port = freePort();
            instances.add(launch(port, settings, "instance-" + i));
            ports.add(port);
        }
        for (int port : ports) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ready(port));
        }
    }

    static int freePort() throws Exception {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * What a packaged service with the SQS intake needs beyond moto's and the Slack stand-in's endpoints:
     * this queue, short polls, test credentials, and the allow list it refuses to start without.
     */
    static Map<String, String> sqsIntake(String queueUrl, int visibility) {
        Map<String, String> m = new HashMap<>(Map.of("sgwarden.intake", "sqs", "sgwarden.sqs.queue-url", queueUrl,
                "sgwarden.sqs.wait-time", "1", "sgwarden.sqs.visibility-timeout", Integer.toString(visibility),
                "aws.accessKeyId", "test", "aws.secretAccessKey", "test"));
        m.putAll(Map.of("sgwarden.slack.allowed-users", "U0ALICE,U0BOB", "sgwarden.slack.allowed-team", Clicks.TEAM));
        return m;
    }

    /** The packaged service launched with these settings, kept in started, once it answers ready. */
    static Process launchReady(Map<String, String> config, List<Process> started, String name) throws Exception {
        int port = freePort();
        Process p = launch(port, config, name);
        started.add(p);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ready(port));
        return p;
    }

    /** An SQS message to the queue of this name, as EventBridge delivers an envelope. */
    static void sendTo(Moto moto, String queue, String body) {
        try (var sqs = sgwarden.testing.Aws.sqs(moto)) {
            String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(body));
        }
    }

    /** The management port (metrics, detailed health) of each launched instance, by its public port. */
    static final Map<Integer, Integer> MANAGEMENT = new java.util.concurrent.ConcurrentHashMap<>();

    static Process launch(int port, Map<String, String> config, String name) throws Exception {
        int management = freePort();
        MANAGEMENT.put(port, management);
        List<String> command = new ArrayList<>(Jvm.command("-Xmx256m", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + management));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        File log = new File("target/" + name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    /** The load balancer forwards only the public port: it answers /healthz bare and has no metrics or detailed health. */
    @Test
    void metricsAndDetailedHealthAreOnlyOnTheManagementPort() throws Exception {
        int port = ports.get(0);
        assertEquals(200, get(port, "/healthz"));
        for (String path : List.of("/q/metrics", "/q/health", "/q/health/ready", "/q/health/live")) {
            assertEquals(404, get(port, path), path);
            assertEquals(200, get(MANAGEMENT.get(port), path), path);
        }
    }

    /**
     * The replica that took the approval is killed before expiry: the approval is in the table, so the
     * two others revert it at expiry, exactly once between them.
     */
    static int click(int port, String action, String changeId) {
        String body = Clicks.form(Clicks.payload(action, changeId, "U0ALICE", "alice", slack.newResponseUrl()));
        long now = Instant.now().getEpochSecond();
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/slack/interactions"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", Long.toString(now))
                    .header("X-Slack-Signature", SlackSignature.sign(SlackStandInResource.SIGNING_SECRET,
                            Long.toString(now), body.getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        instances.forEach(Process::destroy);
        // gone before the next class in this JVM resets moto, or they would work on its queue
        for (Process p : instances) {
            try {
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        slackResource.stop();
        lakeResource.stop();
        // the next class in this JVM (ReplicaStopsIT) starts its own pair
        instances.clear();
        ports.clear();
        settings.clear();
        MANAGEMENT.clear();
    }

    @Test
    void everyChangeIsAnnouncedOnceAndEveryDenyRevertsOnce() throws Exception {
        List<Accounts.Change> changes = new ArrayList<>();
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Instant hourAgo = Instant.now().minus(Duration.ofMinutes(61));
        for (int i = 0; i < 60; i++) {
            // one change a minute over the last hour, ingress and egress alternating
            Accounts.Change made = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, i % 2 == 1,
                    Accounts.tcp(1000 + i, "0.0.0.0/0"));
            String record = Records.authorize(made.eventId(), hourAgo.plus(Duration.ofMinutes(i)), made.account(),
                    made.account(), made.region(), group, made.egress(), made.rules());
            Accounts.Change c = new Accounts.Change(made.eventId(), group, made.account(), made.region(),
                    made.egress(), made.rules(), record);
            changes.add(c);
            lake.seed(c.record());
            if (i % 3 == 0) {
                // also delivered through EventBridge, twice: both intakes and both replicas see it
                Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
                Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
            }
        }
        for (Accounts.Change c : changes) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        }
        long runs = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(30)).until(() -> lake.finishedQueries() >= runs + 4);
        for (Accounts.Change c : changes) {
            assertEquals(1, slack.messagesMentioning(c.eventId()).size(), c.eventId());
        }

        moto.startRecording();
        List<CompletableFuture<Integer>> clicks = new ArrayList<>();
        List<Accounts.Change> denied = changes.subList(0, 10);
        for (Accounts.Change c : denied) {
            for (int port : ports) {
                clicks.add(CompletableFuture.supplyAsync(() -> deny(port, c.eventId())));
                clicks.add(CompletableFuture.supplyAsync(() -> deny(port, c.eventId())));
            }
        }
        for (CompletableFuture<Integer> click : clicks) {
            assertEquals(200, click.get());
        }
        for (Accounts.Change c : denied) {
            await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        }
        assertEquals(denied.size(), moto.recordedCalls("RevokeSecurityGroupIngress")
                + moto.recordedCalls("RevokeSecurityGroupEgress"));
        List<String> left = Accounts.ruleIds(moto, Accounts.MEMBER, Accounts.REGION, group);
        for (Accounts.Change c : changes) {
            boolean wasDenied = denied.contains(c);
            assertEquals(!wasDenied, left.contains(c.rules().get(0).securityGroupRuleId()), c.eventId());
        }
    }

    static int deny(int port, String changeId) {
        String body = Clicks.form(Clicks.payload("sgwarden_deny", changeId, "U0BOB", "bob", slack.newResponseUrl()));
        long now = Instant.now().getEpochSecond();
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/slack/interactions"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", Long.toString(now))
                    .header("X-Slack-Signature", SlackSignature.sign(SlackStandInResource.SIGNING_SECRET,
                            Long.toString(now), body.getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Operators alarm on ERROR: a replica started and stopped gracefully (SIGTERM) logs none. */
    static void assertNoErrorLogged(String name) throws Exception {
        List<String> errors = Files.readAllLines(Path.of("target", name + ".log")).stream()
                .filter(line -> line.contains(" ERROR ") || line.contains("\"level\":\"ERROR\"")).toList();
        assertEquals(List.of(), errors, "ERROR lines in target/" + name + ".log");
    }

    /** /q/health/ready of the instance launched on this public port, on its management port. */
    static boolean ready(int port) throws Exception {
        return get(MANAGEMENT.get(port), "/q/health/ready") == 200;
    }

    static int get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
