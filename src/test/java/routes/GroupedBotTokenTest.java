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

        // decided from the reminder: the group message shows it, and the reminder no longer offers buttons
        SlackStandIn.Received posted = slack.replies(ts).get(0);
        String reminderTs = slack.tsOf(posted);
        Clicks.clickIn(posted, "sgwarden_group_deny", "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        SlackStandIn.Received message = slack.updateOf(ts, "3 reverted");
        assertTrue(message.allText().contains("Deny all by @bob"), message.allText());
        assertEquals(List.of(), Clicks.buttons(message), message.allText());
        SlackStandIn.Received settled = slack.updateOf(reminderTs, "Since then:");
        assertTrue(settled.allText().contains("Deny all by @bob") && settled.allText().contains("3 reverted"),
                settled.allText());
        assertEquals(List.of(), Clicks.buttons(settled));
        changes.forEach(c -> assertEquals("REVERTED", Announced.status(moto, c.eventId())));

        // a late click on the reminder as first posted (kept by an insider): refused, and the group message
        // does not name it as the last action
        int updates = slack.updates().size();
        Clicks.clickIn(posted, "sgwarden_group_approve", "U0ALICE", "alice", slack.newResponseUrl()).expect(200)
                .saying("No change of this group is left waiting");
        assertEquals(updates, slack.updates().size(), "no message changed");
        changes.forEach(c -> assertEquals("REVERTED", Announced.status(moto, c.eventId())));
    }

    /**
     * Approved all for a time, then expired: the group message shows each step in place, and the Extend
     * notice in its thread no longer offers Extend all once the approvals ended.
     */
    @Test
    void aGroupsExpiryUpdatesTheGroupMessageAndSettlesItsNotice() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> changes = new ArrayList<>();
        for (int port : new int[]{9300, 9301}) {
            Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(port, "10.7.0.0/16"));
            changes.add(c);
            Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
        }
        Windows.close(window, clock, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning("tcp 9300").size() == 1);
        SlackStandIn.Received message = slack.messagesMentioning("tcp 9300").get(0);
        String ts = slack.tsOf(message);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));

        Clicks.clickIn(message, "sgwarden_group_approve_for_8s", "U0ALICE", "alice", slack.newResponseUrl())
                .expect(200);
        SlackStandIn.Received approved = slack.updateOf(ts, "2 approved");
        assertEquals(List.of(), Clicks.buttons(approved), "nothing left to decide: " + approved.allText());

        // the Extend notice 6 s before the end (this profile), in the thread, with Extend all
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> slack.replies(ts).stream().anyMatch(r -> r.allText().contains("Extend them?")));
        SlackStandIn.Received notice = slack.replies(ts).stream().filter(r -> r.allText().contains("Extend them?"))
                .findFirst().orElseThrow();
        assertTrue(Clicks.buttons(notice).stream().anyMatch(b -> b.startsWith("sgwarden_group_extend_for_")),
                Clicks.buttons(notice).toString());

        clock.advance(Duration.ofSeconds(6));
        changes.forEach(c -> await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERTED".equals(Announced.status(moto, c.eventId()))));
        SlackStandIn.Received expired = slack.updateOf(ts, "2 reverted");
        assertEquals(List.of(), Clicks.buttons(expired), expired.allText());
        SlackStandIn.Received settled = slack.updateOf(slack.tsOf(notice), "Since then:");
        assertTrue(settled.allText().contains("2 reverted"), settled.allText());
        assertEquals(List.of(), Clicks.buttons(settled), "no Extend all once the approvals ended");
    }

    /** Extend all, clicked on the notice in the thread: the group message shows the new end, the notice asks no more. */
    @Test
    void extendAllFromTheThreadUpdatesTheGroupMessageAndSettlesTheNotice() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> changes = new ArrayList<>();
        for (int port : new int[]{9310, 9311}) {
            Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(port, "10.7.0.0/16"));
            changes.add(c);
            Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
        }
        Windows.close(window, clock, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning("tcp 9310").size() == 1);
        SlackStandIn.Received message = slack.messagesMentioning("tcp 9310").get(0);
        String ts = slack.tsOf(message);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        Clicks.clickIn(message, "sgwarden_group_approve_for_8s", "U0ALICE", "alice", slack.newResponseUrl())
                .expect(200);
        slack.updateOf(ts, "2 approved");

        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> slack.replies(ts).stream().anyMatch(r -> r.allText().contains("Extend them?")));
        SlackStandIn.Received notice = slack.replies(ts).stream().filter(r -> r.allText().contains("Extend them?"))
                .findFirst().orElseThrow();
        String extend = Clicks.buttons(notice).stream().filter(b -> b.equals("sgwarden_group_extend_for_1h"))
                .findFirst().orElseThrow(() -> new AssertionError(Clicks.buttons(notice).toString()));

        Clicks.clickIn(notice, extend, "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(20))
                .until(() -> Announced.item(moto, c.eventId()).containsKey("extended")));
        SlackStandIn.Received settled = slack.updateOf(slack.tsOf(notice), "Since then:");
        assertEquals(List.of(), Clicks.buttons(settled), "the notice offers Extend all no more: " + settled.allText());
        changes.forEach(c -> assertEquals("APPROVED", Announced.status(moto, c.eventId())));
        clock.advance(Duration.ofSeconds(10));
        // past the old end: still approved, the rules stay
        long checked = dueIndex.checks();
        await().atMost(Duration.ofSeconds(10)).until(() -> dueIndex.checks() > checked + 1);
        changes.forEach(c -> assertEquals("APPROVED", Announced.status(moto, c.eventId())));
    }

    /**
     * Decide one by one: each change gets its own message; a decision on one updates that message and the
     * group message that still lists it.
     */
    @Test
    void aChangePostedAloneAndDecidedShowsInItsGroupMessageToo() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> changes = new ArrayList<>();
        for (int port : new int[]{9400, 9401}) {
            Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(port, "10.8.0.0/16"));
            changes.add(c);
            Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
        }
        Windows.close(window, clock, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning("tcp 9400").size() == 1);
        SlackStandIn.Received message = slack.messagesMentioning("tcp 9400").get(0);
        String ts = slack.tsOf(message);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));

        Clicks.clickIn(message, "sgwarden_group_one_by_one", "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        Accounts.Change first = changes.get(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.messagesMentioning(first.eventId()).size() == 1);
        slack.updateOf(ts, "2 waiting, each in its own message below");
        SlackStandIn.Received alone = slack.messagesMentioning(first.eventId()).get(0);
        String aloneTs = slack.tsOf(alone);

        Clicks.clickIn(alone, "sgwarden_deny", "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, first.eventId())));
        SlackStandIn.Received decided = slack.updateOf(aloneTs, "Reverted by @alice at ");
        assertEquals(List.of("sgwarden_restore"), Clicks.buttons(decided), decided.allText());
        SlackStandIn.Received inGroup = slack.updateOf(ts, "1 reverted");
        assertTrue(inGroup.allText().contains("1 waiting, each in its own message below"), inGroup.allText());
        assertEquals("PENDING", Announced.status(moto, changes.get(1).eventId()));
    }

    /**
     * A group left undecided until its policy decides: the group message shows the policy's decision, and
     * the reminder in its thread no longer offers the group's buttons.
     */
    @Test
    void aPolicyDecidingAnUndecidedGroupUpdatesItsMessageAndReminder() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> changes = new ArrayList<>();
        for (int port : new int[]{9500, 9501}) {
            Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(port, "10.9.0.0/16"));
            changes.add(c);
            Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
        }
        Windows.close(window, clock, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning("tcp 9500").size() == 1);
        String ts = slack.tsOf(slack.messagesMentioning("tcp 9500").get(0));
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));

        // the reminder at 4 s, the policy's decision at 1 min (this profile)
        clock.advance(Duration.ofSeconds(4));
        await().atMost(Duration.ofSeconds(20)).until(() -> !slack.replies(ts).isEmpty());
        SlackStandIn.Received reminder = slack.replies(ts).get(0);
        assertTrue(reminder.allText().contains("will deny (revert)"), reminder.allText());
        assertTrue(Clicks.buttons(reminder).contains("sgwarden_group_deny"), Clicks.buttons(reminder).toString());
        clock.advance(Duration.ofMinutes(1));

        changes.forEach(c -> await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERTED".equals(Announced.status(moto, c.eventId()))));
        SlackStandIn.Received decided = slack.updateOf(ts, "2 reverted");
        assertEquals(List.of(), Clicks.buttons(decided), decided.allText());
        SlackStandIn.Received settled = slack.updateOf(slack.tsOf(reminder), "Since then:");
        assertTrue(settled.allText().contains("2 reverted"), settled.allText());
        assertEquals(List.of(), Clicks.buttons(settled), "no group buttons left in the thread");
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
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning("tcp 9100").size() == 1);
        SlackStandIn.Received message = slack.messagesMentioning("tcp 9100").get(0);
        assertTrue(message.allText().contains("made 2 changes"), message.allText());
        assertEquals("/api/chat.postMessage", message.path());
        String ts = slack.tsOf(message);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        // an expiry of one change must not replace the group message: the change keeps no ts of its own
        assertNull(Announced.item(moto, changes.get(0).eventId()).get("slackTs"));

        Clicks.clickIn(message, "sgwarden_group_deny", "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        SlackStandIn.Received updated = slack.updateOf(ts, "2 reverted");
        assertEquals(List.of(), Clicks.buttons(updated), "nothing left to decide: " + updated.allText());
        changes.forEach(c -> assertEquals("REVERTED", Announced.status(moto, c.eventId())));
        assertTrue(Accounts.rulesNow(moto, changes.get(0)).stream()
                .noneMatch(id -> id.equals(changes.get(0).rules().get(0).securityGroupRuleId())));
    }
}
