package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * A graceful stop (SIGTERM) of the packaged service while a burst is held in its group's window: the
 * service announces the group before it exits, rather than leaving it to another replica's timer, and
 * logs no ERROR. The kill (SIGKILL) inside the window is {@link KillInsideTheWindowIT}'s. Runs the jar as
 * {@link TwoInstancesIT} does.
 */
class StopInsideTheWindowIT {

    static final String QUEUE = "sgwarden-window-stop";
    static final String DLQ = "sgwarden-window-stop-dlq";
    static final int VISIBILITY = 10;

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
        String queueUrl = Queue.createWithDeadLetter(moto, QUEUE, DLQ, VISIBILITY, 4);
        settings.putAll(TwoInstancesIT.sqsIntake(queueUrl, VISIBILITY));
        // long enough for the burst to be held on a loaded machine before its group closes
        settings.putAll(Map.of("sgwarden.group.quiet", "15s", "sgwarden.group.window", "30s",
                "sgwarden.slack.rate", "20", "sgwarden.slack.burst", "20"));
    }

    @AfterAll
    static void stop() {
        started.forEach(Process::destroyForcibly);
        slackResource.stop();
    }

    @Test
    void aGracefulStopInsideTheWindowAnnouncesTheGroupBeforeItExits() throws Exception {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> burst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add(Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(9100 + i, "10.40.0.0/16")));
        }
        Process service = start("instance-stopped-in-window");
        burst.forEach(c -> send(Records.envelope(c.record(), c.account(), c.region())));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> held(burst) == burst.size() && Queue.depth(moto, QUEUE) == 0);
        assertEquals(List.of(), slack.messages(), "inside the window: nothing posted yet");

        service.destroy();
        assertTrue(service.waitFor(60, TimeUnit.SECONDS), "stopped");
        TwoInstancesIT.assertNoErrorLogged("instance-stopped-in-window");
        assertEquals(1, slack.messagesMentioning("made *5 changes*").size(), "announced at the stop");
        burst.forEach(c -> assertEquals("PENDING", Announced.status(moto, c.eventId()), c.eventId()));
        assertEquals(0, held(burst));
        assertEquals(0, Queue.depth(moto, DLQ), "dead-letter queue");
    }

    /** Changes of this burst waiting in the table's 'announce' shard. */
    static int held(List<Accounts.Change> burst) {
        return (int) burst.stream().map(c -> Announced.item(moto, c.eventId()))
                .filter(i -> i != null && i.containsKey("dueShard") && "announce".equals(i.get("dueShard").s()))
                .count();
    }

    static Process start(String name) throws Exception {
        return TwoInstancesIT.launchReady(settings, started, name);
    }

    static void send(String body) {
        TwoInstancesIT.sendTo(moto, QUEUE, body);
    }
}
