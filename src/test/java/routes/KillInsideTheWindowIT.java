package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/**
 * A burst is held in its group's window when the packaged service is killed (SIGKILL): its SQS
 * messages are gone, nothing has been posted. Started again, the service finds the held changes in
 * the table's 'announce' shard and announces every one of them, each in exactly one message. A
 * graceful stop inside the window is {@link StopInsideTheWindowIT}'s. Runs the jar as
 * {@link TwoInstancesIT} does.
 */
class KillInsideTheWindowIT {

    static final String QUEUE = "sgwarden-window-kill";
    static final String DLQ = "sgwarden-window-kill-dlq";
    static final int VISIBILITY = 10;
    static final int CHANGES = 20;
    static final Pattern MADE = Pattern.compile("made \\*(\\d+) changes\\*");

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
        settings.putAll(Map.of(
                // long enough for the whole burst to be held on a loaded machine before its group closes
                "sgwarden.group.quiet", "15s", "sgwarden.group.window", "30s",
                // a held change is due window + claim timeout after it was held, then read within a check period
                "sgwarden.claim-timeout", "3s", "sgwarden.approval.check-period", "500ms",
                "sgwarden.slack.rate", "20", "sgwarden.slack.burst", "20"));
    }

    @AfterAll
    static void stop() {
        started.forEach(Process::destroyForcibly);
        slackResource.stop();
    }

    @Test
    void aBurstHeldInItsWindowWhenTheServiceIsKilledIsAnnouncedAfterTheRestartEachChangeOnce() throws Exception {
        List<String> groups = List.of(Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION),
                Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION));
        List<Accounts.Change> changes = new ArrayList<>();
        for (int i = 0; i < CHANGES; i++) {
            changes.add(Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, groups.get(i % 2), false,
                    Accounts.tcp(9000 + i, "10.40.0.0/16")));
        }
        Process first = start("instance-killed-in-window");
        for (Accounts.Change c : changes) {
            send(Records.envelope(c.record(), c.account(), c.region()));
        }
        // all held in the table and their SQS messages deleted: from here on only the table has them
        await().atMost(Duration.ofSeconds(30)).until(() -> held() == CHANGES && Queue.depth(moto, QUEUE) == 0);

        first.destroyForcibly();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "killed");
        assertEquals(List.of(), slack.messages(), "killed inside the window: nothing posted yet");

        start("instance-after-kill");
        await().atMost(Duration.ofSeconds(90)).until(() -> changes.stream()
                .allMatch(c -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        assertEquals(0, held(), "nothing left waiting in the announce shard");

        // each change in exactly one message: the group messages' counts and the singles add up to the burst
        int covered = 0;
        for (SlackStandIn.Received m : slack.messages()) {
            Matcher made = MADE.matcher(m.allText());
            covered += made.find() ? Integer.parseInt(made.group(1)) : 1;
        }
        assertEquals(CHANGES, covered, "changes covered by " + slack.messages().size() + " messages");
        Set<String> inGroups = new HashSet<>();
        for (Map<String, AttributeValue> group : scan("group")) {
            for (AttributeValue member : group.get("members").l()) {
                assertTrue(inGroups.add(member.s()), member.s() + " in two group messages");
            }
        }
        assertEquals(0, Queue.depth(moto, QUEUE), "queue");
        assertEquals(0, Queue.depth(moto, DLQ), "dead-letter queue");
    }

    /** Changes waiting in the table's 'announce' shard. */
    static int held() {
        return (int) scan(null).stream().filter(i -> i.containsKey("dueShard")
                && "announce".equals(i.get("dueShard").s())).count();
    }

    static List<Map<String, AttributeValue>> scan(String kind) {
        try (var dynamo = Aws.dynamo(moto)) {
            return dynamo.scan(b -> b.tableName(MotoResource.TABLE).consistentRead(true)).items().stream()
                    .filter(i -> kind == null || (i.containsKey("kind") && kind.equals(i.get("kind").s())))
                    .toList();
        }
    }

    static Process start(String name) throws Exception {
        return TwoInstancesIT.launchReady(settings, started, name);
    }

    static void send(String body) {
        TwoInstancesIT.sendTo(moto, QUEUE, body);
    }
}
