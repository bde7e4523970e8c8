package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/**
 * The packaged service is killed (SIGKILL) while Slack holds its posts, and started again: every
 * change is announced, only a change whose post was in flight at the kill may appear twice, and
 * nothing reaches the dead-letter queue. Runs the jar as {@link TwoInstancesIT} does.
 */
class CrashMidPostIT {

    static final String QUEUE = "sgwarden-crash";
    static final String DLQ = "sgwarden-crash-dlq";
    // short, and keeping the rule: claim-timeout + 2 x visibility < maxReceiveCount x visibility (25 + 8 < 40).
    // The claim outlives the restart, so the restarted instance meets held claims and must not delete them.
    static final int VISIBILITY = 4;
    static final int MAX_RECEIVE_COUNT = 10;
    static final String CLAIM_TIMEOUT = "25s";

    static final Moto moto = Moto.start();
    static final SlackStandInResource slackResource = new SlackStandInResource();
    static SlackStandIn slack;
    static final Map<String, String> settings = new HashMap<>();
    static final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void queueAndSettings() throws Exception {
        settings.putAll(new MotoResource().start());
        settings.putAll(slackResource.start());
        slack = slackResource.standIn();
        String queueUrl = Queue.createWithDeadLetter(moto, QUEUE, DLQ, VISIBILITY, MAX_RECEIVE_COUNT);
        settings.putAll(TwoInstancesIT.sqsIntake(queueUrl, VISIBILITY));
        settings.putAll(Map.of("sgwarden.claim-timeout", CLAIM_TIMEOUT, "sgwarden.slack.post.delay", "50",
                "sgwarden.slack.rate", "20", "sgwarden.slack.burst", "20"));
        // each change alone: the kill lands mid-post of single messages
        settings.put("sgwarden.group.window", "0s");
    }

    @AfterAll
    static void stop() {
        slack.release(0);
        started.forEach(Process::destroyForcibly);
        slackResource.stop();
    }

    @Test
    void aChangeCutOffByAKillIsAnnouncedAfterTheRestartAndNothingReachesTheDeadLetterQueue() throws Exception {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> changes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            changes.add(Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(3000 + i, "0.0.0.0/0")));
        }
        slack.stallPosts();
        Process first = start("instance-crashed");
        for (Accounts.Change c : changes) {
            send(Records.envelope(c.record(), c.account(), c.region()));
        }
        // both consumers are mid-post, each with the rest of its batch waiting
        await().atMost(Duration.ofSeconds(60)).until(() -> slack.stalled().size() >= 2);

        first.destroyForcibly();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "killed");
        Set<String> inFlight = changes.stream().map(Accounts.Change::eventId)
                .filter(id -> slack.stalled().stream().anyMatch(r -> r.allText().contains(id)))
                .collect(Collectors.toSet());
        assertEquals(2, inFlight.size(), "two posts in flight at the kill");
        // Slack took the first held post at the last moment; the other one it never took
        slack.release(1);

        start("instance-restarted");
        for (Accounts.Change c : changes) {
            await().atMost(Duration.ofSeconds(90)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Queue.depth(moto, QUEUE) == 0);

        for (Accounts.Change c : changes) {
            int times = slack.messagesMentioning(c.eventId()).size();
            assertTrue(times == 1 || (times == 2 && inFlight.contains(c.eventId())),
                    c.eventId() + " announced " + times + " times"
                            + (inFlight.contains(c.eventId()) ? " (in flight)" : ""));
            assertEquals("PENDING", Announced.status(moto, c.eventId()), c.eventId());
        }
        // the post Slack took at the last moment was never confirmed, so it was announced again; the other once
        assertEquals(1, inFlight.stream().filter(id -> slack.messagesMentioning(id).size() == 2).count());
        assertEquals(0, Queue.depth(moto, DLQ), "dead-letter queue");
    }

    static Process start(String name) throws Exception {
        return TwoInstancesIT.launchReady(settings, started, name);
    }

    static void send(String body) {
        TwoInstancesIT.sendTo(moto, QUEUE, body);
    }
}
