package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import sgwarden.grouping.GroupWindow;
import sgwarden.store.AnnouncementQueue;
import sgwarden.testing.Accounts;
import sgwarden.testing.FaultyAws;
import sgwarden.testing.InjectFaultyAws;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.Moto;
import sgwarden.testing.MovableClock;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;

/** What the grouping tests share: the peers, the window and the clock, and bursts of changes to send. */
abstract class GroupBursts {

    static final String BOB = "arn:aws:sts::111111111111:assumed-role/Deployer/bob";

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectFaultyAws
    FaultyAws aws;
    @Inject
    AnnouncementQueue queue;
    @Inject
    GroupWindow window;
    @Inject
    MovableClock clock;

    @BeforeEach
    void clean() {
        slack.reset();
    }

    static void send(Moto moto, Accounts.Change c, String record) {
        Queue.send(moto, Records.envelope(record, c.account(), c.region()));
    }

    /** n changes, one rule each on port 8000+i, spread over the groups in turn. */
    List<Accounts.Change> burst(List<String> groups, int n) {
        List<Accounts.Change> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, groups.get(i % groups.size()), false,
                    Accounts.tcp(8000 + i, "10.20.0.0/16")));
        }
        return out;
    }

    List<String> groups(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION));
        }
        return out;
    }

    SlackStandIn.Received theMessageSaying(String text) {
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(text).size() == 1);
        return slack.messagesMentioning(text).get(0);
    }

    /** How many changes a message announces: a group's count, or 1 for a change posted alone. */
    static int made(SlackStandIn.Received message) {
        var m = java.util.regex.Pattern.compile("made \\*(\\d+) changes\\*").matcher(message.allText());
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    static String groupIdOf(SlackStandIn.Received message) {
        for (var block : message.json().path("blocks")) {
            for (var e : block.path("elements")) {
                if (e.path("value").asText().startsWith("group#")) {
                    return e.path("value").asText();
                }
            }
        }
        assertNull(message, "no group button");
        return null;
    }

    static void assertSome(Object o) {
        assertNotNull(o);
    }

}
