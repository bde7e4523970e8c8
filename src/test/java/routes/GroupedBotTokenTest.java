package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import sgwarden.grouping.GroupWindow;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.Moto;
import sgwarden.testing.MovableClock;
import sgwarden.testing.Profiles;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.Windows;

/** With a bot token, a group message is posted with chat.postMessage and updated in place with chat.update. */
@QuarkusTest
@TestProfile(Profiles.SqsGroupedBotToken.class)
class GroupedBotTokenTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @Inject
    GroupWindow window;
    @Inject
    MovableClock clock;
    @Inject
    sgwarden.store.DueIndex dueIndex;

    @Test
    void aGroupLeftUndecidedGetsOneReminderInItsThread() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> changes = new ArrayList<>();
        for (int port : new int[]{9200, 9201, 9202}) {
            Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(port, "10.6.0.0/16"));
            changes.add(c);
            Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
        }
        Windows.close(window, clock, 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning("made 3 changes").size() == 1);
        String ts = slack.tsOf(slack.messagesMentioning("made 3 changes").get(0));
        changes.forEach(c -> await().atMost(Duration.ofSeconds(10))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        clock.advance(Duration.ofSeconds(4));

        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.replies(ts).isEmpty());
        // one reminder for the group, not one per change, and it stays one through two more due checks
        long checked = dueIndex.checks();
        await().atMost(Duration.ofSeconds(10)).until(() -> dueIndex.checks() > checked + 2);
        assertEquals(1, slack.replies(ts).size());
        String reminder = slack.replies(ts).get(0).allText();
        assertTrue(reminder.contains("<!subteam^" + Profiles.LakeCapped.USER_GROUP + ">"), reminder);
        assertTrue(reminder.contains("Still undecided after 4 s"), reminder);
        assertTrue(Clicks.buttons(slack.replies(ts).get(0)).contains("sgwarden_group_deny"), "decidable from there");
        changes.forEach(c -> assertEquals("PENDING", Announced.status(moto, c.eventId())));
    }

    @Test
    void aGroupDecisionUpdatesTheGroupMessageItself() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> changes = new ArrayList<>();
        for (int port : new int[]{9100, 9101}) {
            Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(port, "10.5.0.0/16"));
            changes.add(c);
            Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
        }
        Windows.close(window, clock, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning("made 2 changes").size() == 1);
        SlackStandIn.Received message = slack.messagesMentioning("made 2 changes").get(0);
        assertEquals("/api/chat.postMessage", message.path());
        String ts = slack.tsOf(message);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        // an expiry of one change must not replace the group message: the change keeps no ts of its own
        assertNull(Announced.item(moto, changes.get(0).eventId()).get("slackTs"));

        Clicks.clickIn(message, "sgwarden_group_deny", "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.updates().stream()
                .anyMatch(u -> ts.equals(u.json().path("ts").asText()) && u.allText().contains("2 reverted")));
        changes.forEach(c -> assertEquals("REVERTED", Announced.status(moto, c.eventId())));
        assertTrue(Accounts.rulesNow(moto, changes.get(0)).stream()
                .noneMatch(id -> id.equals(changes.get(0).rules().get(0).securityGroupRuleId())));
    }
}
