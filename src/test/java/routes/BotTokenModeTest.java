package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/**
 * The second Slack mode: a bot token posting to a channel through chat.postMessage. Slack answers
 * a refused call with HTTP 200 and {"ok": false}: that is a failed post, never an announcement.
 */
@QuarkusTest
@TestProfile(Profiles.LakeBotToken.class)
class BotTokenModeTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;
    @jakarta.inject.Inject
    sgwarden.testing.MovableClock clock;

    @Test
    void theAnnouncementGoesToTheChannelThroughTheWebApi() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, true,
                Accounts.udp(53, "0.0.0.0/0"));
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        SlackStandIn.Received posted = slack.messagesMentioning(c.eventId()).get(0);
        assertEquals("/api/chat.postMessage", posted.path());
        assertEquals("C0SECURITY", posted.json().path("channel").asText());
        String blocks = posted.json().path("blocks").toString();
        assertTrue(blocks.contains("\"action_id\":\"sgwarden_deny\"") && blocks.contains("\"confirm\""), blocks);
        assertFalse(blocks.contains("Posted through a webhook"), "updated in place, so no such note: " + blocks);
        // the group's name (as moto holds it) next to its ID
        assertTrue(posted.text().contains("added outbound udp 53 to 0.0.0.0/0 to ")
                && posted.text().contains(" (" + group + ") in 111111111111"), posted.text());
    }

    /**
     * An approval for a time, then its expiry: each updates the announcement itself (chat.update), with only
     * the buttons that still make sense; the Extend notice in the thread loses its buttons at the expiry,
     * and a late click on it changes nothing.
     */
    @Test
    void atExpiryTheAnnouncementIsUpdatedAndItsThreadToldThroughTheWebApi() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        SlackStandIn.Received announcement = slack.messagesMentioning(c.eventId()).get(0);
        String ts = slack.tsOf(announcement);
        assertEquals(ts, Announced.item(moto, c.eventId()).get("slackTs").s(), "the ledger keeps the message's ts");
        String ruleId = c.rules().get(0).securityGroupRuleId();

        String click = slack.newResponseUrl();
        Clicks.click("sgwarden_approve_for_3s", c.eventId(), "U0ALICE", "alice", click).expect(200);
        SlackStandIn.Received approved = slack.updateOf(ts, "Approved by @alice until ");
        assertEquals(List.of(), Clicks.buttons(approved), "nothing left to approve or deny: " + approved.allText());
        assertTrue(slack.responses(click).isEmpty(), "updated in place, not through the click's response_url");
        clock.advance(Duration.ofSeconds(3));

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        assertFalse(Accounts.rulesNow(moto, c).contains(ruleId));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.replies(ts).size() >= 2);
        SlackStandIn.Received update = slack.updateOf(ts, "expired and reverted at ");
        assertEquals("C0SECURITY", update.json().path("channel").asText());
        assertTrue(update.allText().contains("Approved by @alice for 3 s; expired and reverted at "), update.allText());
        assertEquals(List.of("sgwarden_restore"), Clicks.buttons(update), "only Restore: " + update.allText());
        assertTrue(slack.replies(ts).stream().anyMatch(r -> r.text().contains("expired and reverted at")),
                slack.replies(ts).toString());
        // the Extend notice went in the same thread, with its buttons, and no longer offers them
        SlackStandIn.Received notice = slack.replies(ts).get(0);
        assertTrue(notice.text().startsWith(":hourglass_flowing_sand: The approval by @alice ends "), notice.text());
        assertTrue(notice.json().toString().contains("\"sgwarden_extend_for_3s\""));
        String noticeTs = slack.tsOf(notice);
        SlackStandIn.Received settled = slack.updateOf(noticeTs, "Decided:");
        assertTrue(settled.allText().contains("expired and reverted at "), settled.allText());
        assertEquals(List.of(), Clicks.buttons(settled));

        // an insider who kept the old notice clicks Extend on it: refused, nothing changes
        int updates = slack.updates().size();
        Clicks.clickIn(notice, "sgwarden_extend_for_3s", "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        assertEquals("REVERTED", Announced.status(moto, c.eventId()));
        assertFalse(Accounts.rulesNow(moto, c).contains(ruleId));
        assertFalse(Announced.item(moto, c.eventId()).containsKey("extended"));
        assertEquals(updates, slack.updates().size(), "no message changed");
        assertEquals(settled, slack.lastUpdate(noticeTs));
    }

    /** Extend in bot-token mode: the click is answered, and the announcement itself shows the new expiry. */
    @Test
    void anExtendUpdatesTheAnnouncement() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String ts = slack.tsOf(slack.messagesMentioning(c.eventId()).get(0));
        Clicks.click("sgwarden_approve_for_8s", c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> "APPROVED".equals(Announced.status(moto, c.eventId())));
        // its Extend notice at once (this profile), in the thread
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.replies(ts).isEmpty());
        String noticeTs = slack.tsOf(slack.replies(ts).get(0));

        String extend = slack.newResponseUrl();
        Clicks.click("sgwarden_extend_for_1h", c.eventId(), "U0BOB", "bob", extend).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(extend).isEmpty());
        assertTrue(slack.responses(extend).get(0).allText().contains("Extended by @bob until "));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.updates().stream()
                .anyMatch(u -> ts.equals(u.json().path("ts").asText())
                        && u.allText().contains("Approved by @alice, extended by @bob for 1 h until ")));
        assertEquals("APPROVED", Announced.status(moto, c.eventId()));
        // the Extend notice in the thread (clicked or not) says until when now, without its buttons
        SlackStandIn.Received settled = slack.updateOf(noticeTs, "Extended by @bob until ");
        assertEquals(List.of(), Clicks.buttons(settled), settled.allText());
    }

    /**
     * A reminder Slack is still taking when the change is decided: the decision's update of the thread
     * came before the reminder's ts was known, so the reminder is settled once it is, and asks nothing.
     */
    @Test
    void aReminderPostedWhileTheChangeIsDecidedIsSettledOnceItsTsIsKnown() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String ts = slack.tsOf(slack.messagesMentioning(c.eventId()).get(0));
        slack.stallPosts();
        try {
            dueNow(c);
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.stalled().stream()
                    .anyMatch(r -> ts.equals(r.json().path("thread_ts").asText(null))));
            Clicks.click("sgwarden_approve", c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
            slack.updateOf(ts, "Approved by @alice at ");
        } finally {
            slack.release(100);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.replies(ts).isEmpty());
        SlackStandIn.Received settled = slack.updateOf(slack.tsOf(slack.replies(ts).get(0)), "Decided:");
        assertTrue(settled.text().contains("approved, by @alice at "), settled.text());
        assertEquals(List.of(), Clicks.buttons(settled));
    }

    /** Puts the change's reminder due now: the profile keeps the default 4 h. */
    void dueNow(Accounts.Change c) {
        try (var dynamo = sgwarden.testing.Aws.dynamo(moto)) {
            dynamo.updateItem(b -> b.tableName(sgwarden.testing.MotoResource.TABLE)
                    .key(java.util.Map.of("changeId",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(c.eventId())))
                    .updateExpression("SET dueAt = :now")
                    .expressionAttributeValues(
                            java.util.Map.of(":now", software.amazon.awssdk.services.dynamodb.model.AttributeValue
                                    .fromN(Long.toString(java.time.Instant.now().getEpochSecond())))));
        }
    }

    /** The reminder of a change nobody decided goes in the announcement's thread, mentioning the user group. */
    @Test
    void theReminderGoesInTheAnnouncementsThread() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String ts = slack.tsOf(slack.messagesMentioning(c.eventId()).get(0));
        // due now: the profile keeps the default 4 h
        dueNow(c);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.replies(ts).isEmpty());
        SlackStandIn.Received reminder = slack.replies(ts).get(0);
        assertEquals("/api/chat.postMessage", reminder.path());
        assertEquals(ts, reminder.json().path("thread_ts").asText());
        assertTrue(
                reminder.text().startsWith("<!subteam^" + Profiles.LakeCapped.USER_GROUP + "> :bell: Still undecided"),
                reminder.text());
        assertEquals("PENDING", Announced.status(moto, c.eventId()));

        // decided by a click on the announcement: it shows the outcome, and the reminder no longer asks
        Clicks.click("sgwarden_approve", c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        SlackStandIn.Received approved = slack.updateOf(ts, "Approved by @alice at ");
        assertEquals(List.of(), Clicks.buttons(approved), approved.allText());
        SlackStandIn.Received settled = slack.updateOf(slack.tsOf(reminder), "Decided:");
        assertTrue(settled.text().contains("Approved by @alice at "), settled.text());
        assertFalse(settled.text().contains("Still undecided"), settled.text());
        assertEquals(1, slack.replies(ts).size(), "updated, not told again");
    }

    /** A change left undecided past its reminder (at 4 h, the default) and its policy's decision (at 5 h). */
    record Escalated(Accounts.Change change, String ts, SlackStandIn.Received reminder) {
    }

    /**
     * Opens this port to the world and moves the clock past the reminder, whose text must say this, and past
     * the policy's decision, until the change is in this status. The caller resets the clock.
     */
    Escalated escalated(int port, String reminderSays, String status) {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(port, "0.0.0.0/0")));
        String ts = slack.tsOf(slack.messagesMentioning(c.eventId()).get(0));
        clock.advance(Duration.ofHours(4));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.replies(ts).isEmpty());
        SlackStandIn.Received reminder = slack.replies(ts).get(0);
        assertTrue(reminder.text().contains(reminderSays), reminder.text());
        clock.advance(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(Announced.status(moto, c.eventId())));
        return new Escalated(c, ts, reminder);
    }

    /**
     * A change its policy decides once nobody did: the announcement shows the policy's decision with Restore,
     * and the reminder in its thread says it is decided.
     */
    @Test
    void aPolicyDecidingAnUndecidedChangeUpdatesTheAnnouncementAndItsReminder() {
        try {
            // the reminder's time is in the reader's zone, as Slack draws it
            Escalated e = escalated(9443, "will deny (revert) at <!date^", "REVERTED");
            assertTrue(e.reminder().text().contains(Profiles.LakeBotToken.UNDECIDED_POLICY), e.reminder().text());
            assertFalse(Accounts.rulesNow(moto, e.change()).contains(e.change().rules().get(0).securityGroupRuleId()));
            SlackStandIn.Received announcement = slack.updateOf(e.ts(), "Denied by policy "
                    + Profiles.LakeBotToken.UNDECIDED_POLICY + " after 5 h undecided; reverted at ");
            assertEquals(List.of("sgwarden_restore"), Clicks.buttons(announcement), announcement.allText());
            SlackStandIn.Received settled = slack.updateOf(slack.tsOf(e.reminder()), "Decided:");
            assertTrue(settled.text().contains("Denied by policy " + Profiles.LakeBotToken.UNDECIDED_POLICY),
                    settled.text());
            assertEquals(List.of(), Clicks.buttons(settled));
        } finally {
            // hours ahead would put the Lake's query window past the records the other tests seed
            clock.reset();
        }
    }

    /** A policy that approves a change left undecided updates the announcement: approved, nothing left to click. */
    @Test
    void aPolicyApprovingAnUndecidedChangeUpdatesTheAnnouncementAndItsReminder() {
        try {
            Escalated e = escalated(9444, "will approve", "APPROVED");
            assertTrue(Accounts.rulesNow(moto, e.change()).contains(e.change().rules().get(0).securityGroupRuleId()),
                    "the rule stays");
            SlackStandIn.Received announcement = slack.updateOf(e.ts(), "Approved by policy "
                    + Profiles.LakeBotToken.UNDECIDED_APPROVE_POLICY + " after 5 h undecided");
            assertEquals(List.of(), Clicks.buttons(announcement), announcement.allText());
            SlackStandIn.Received settled = slack.updateOf(slack.tsOf(e.reminder()), "Decided:");
            assertEquals(List.of(), Clicks.buttons(settled));
        } finally {
            clock.reset();
        }
    }

    /** A quarantine's Deny (keep the rules off) updates the policy's own message in place. */
    @Test
    void keepingAQuarantinedChangeOffUpdatesItsMessage() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(6390, "0.0.0.0/0"));
        lake.seed(c.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        SlackStandIn.Received posted = slack.messagesMentioning(c.eventId()).get(0);
        String ts = slack.tsOf(posted);
        await().atMost(Duration.ofSeconds(10)).until(() -> Announced.item(moto, c.eventId()).containsKey("slackTs"));
        assertEquals("QUARANTINED", Announced.status(moto, c.eventId()));
        assertEquals(List.of("sgwarden_restore", "sgwarden_keep_off"), Clicks.buttons(posted));

        String click = slack.newResponseUrl();
        Clicks.clickIn(posted, "sgwarden_keep_off", "U0BOB", "bob", click).expect(200);
        SlackStandIn.Received kept = slack.updateOf(ts, "Denied by @bob at ");
        assertTrue(kept.allText().contains("the quarantined rules stay off"), kept.allText());
        assertEquals(List.of("sgwarden_restore"), Clicks.buttons(kept), "no Deny left: " + kept.allText());
        assertTrue(slack.responses(click).isEmpty());
        assertEquals("REVERTED", Announced.status(moto, c.eventId()));
    }

    @Test
    void aRevokedTokenIsAFailedPostAndTheChangeIsAnnouncedOnceTheTokenWorksAgain() {
        slack.revokeToken(true);
        try {
            refusedThenAnnounced("invalid_auth", () -> slack.revokeToken(false));
        } finally {
            slack.revokeToken(false);
        }
    }

    @Test
    void aChannelTheBotIsNotInIsAFailedPostAndTheChangeIsAnnouncedOnceTheBotIsAdded() {
        slack.botInChannel(false);
        try {
            refusedThenAnnounced("not_in_channel", () -> slack.botInChannel(true));
        } finally {
            slack.botInChannel(true);
        }
    }

    void refusedThenAnnounced(String error, Runnable fix) {
        int refusedBefore = slack.refused(error).size();
        double failedBefore = DetectionScenariosTest.metric("sgwarden_slack_posts_total{outcome=\"failed\"}");
        Accounts.Change c = Accounts.openSsh(moto);
        lake.seed(c.record());

        // a whole run's attempts (1 try + 2 retries), each answered 200 {"ok": false}
        await("Slack's " + error + " taken as a failed post, and retried").atMost(Duration.ofSeconds(30))
                .until(() -> slack.refused(error).size() >= refusedBefore + 3);
        assertTrue(slack.messagesMentioning(c.eventId()).isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> DetectionScenariosTest.metric(
                "sgwarden_slack_posts_total{outcome=\"failed\"}") >= failedBefore + 3);
        // the claim was released, so that the next run announces it
        await().atMost(Duration.ofSeconds(10)).until(() -> Announced.status(moto, c.eventId()) == null
                || slack.refused(error).size() >= refusedBefore + 4);

        fix.run();

        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        long runs = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(20)).until(() -> lake.finishedQueries() >= runs + 2);
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
        assertEquals("PENDING", Announced.status(moto, c.eventId()));
    }

    /**
     * The announcement was deleted in Slack before the click was handled: chat.update finds no message,
     * so the click is answered through its response_url, and the person still sees the outcome.
     */
    @Test
    void aClickOnAnAnnouncementThatCannotBeEditedIsAnsweredThroughItsResponseUrl() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String ts = slack.tsOf(slack.messagesMentioning(c.eventId()).get(0));
        slack.delete(ts);
        String responseUrl = slack.newResponseUrl();

        Clicks.click("sgwarden_deny", c.eventId(), "U0BOB", "bob", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        await().atMost(Duration.ofSeconds(20)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertTrue(slack.responses(responseUrl).get(0).allText().contains("Reverted by @bob at "),
                slack.responses(responseUrl).get(0).allText());
        assertTrue(slack.refused("message_not_found").stream().anyMatch(r -> ts.equals(r.json().path("ts").asText())),
                "chat.update was tried first");
    }

    /** Deny, then Restore: each updates the announcement in place, with only the buttons that still make sense. */
    @Test
    void denyAndRestoreUpdateTheAnnouncementInPlace() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String ts = slack.tsOf(slack.messagesMentioning(c.eventId()).get(0));
        String responseUrl = slack.newResponseUrl();

        Clicks.click("sgwarden_deny", c.eventId(), "U0BOB", "bob", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        SlackStandIn.Received denied = slack.updateOf(ts, "Reverted by @bob at ");
        assertEquals(List.of("sgwarden_restore"), Clicks.buttons(denied), denied.allText());
        assertTrue(slack.responses(responseUrl).isEmpty(), "updated in place, not through the click's response_url");

        Clicks.clickIn(denied, "sgwarden_restore", "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESTORED".equals(Announced.status(moto, c.eventId())));
        SlackStandIn.Received restored = slack.updateOf(ts, "Restored by @alice at ");
        assertEquals(List.of(), Clicks.buttons(restored), restored.allText());
    }

    @AfterAll
    static void noSecretInAnyLogLine() throws Exception {
        String log = Files.readString(Path.of(Profiles.LakeBotToken.LOG));
        assertTrue(log.contains("invalid_auth"), "the log file holds this run, failures included");
        assertFalse(log.contains(SlackStandIn.BOT_TOKEN), "bot token in the logs");
        assertFalse(log.contains(SlackStandIn.BOT_TOKEN.substring(5)), "bot token (without its prefix) in the logs");
        assertFalse(log.contains(SlackStandInResource.SIGNING_SECRET), "signing secret in the logs");
        assertFalse(log.contains(Profiles.SPOKE_EXTERNAL_ID), "the spoke role's external ID in the logs");
        assertFalse(log.contains("v0="), "a request signature in the logs");
    }
}
