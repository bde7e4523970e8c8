package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.MovableClock;
import sgwarden.testing.Profiles;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;

/** The EventBridge to SQS intake: announced within seconds, deleted only once handled. */
@QuarkusTest
@TestProfile(Profiles.Both.class)
class SqsIntakeTest {

    @Inject
    MovableClock clock;
    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;

    @BeforeEach
    void clean() {
        slack.reset();
    }

    Accounts.Change change() {
        return Accounts.openSsh(moto);
    }

    String envelope(Accounts.Change c) {
        return Records.envelope(c.record(), c.account(), c.region());
    }

    @Test
    void anEnvelopeOnTheQueueIsAnnouncedOnceStoredPendingAndDeleted() {
        Accounts.Change c = Announced.viaSqs(moto, slack, change());

        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
        String text = slack.messagesMentioning(c.eventId()).get(0).allText();
        assertTrue(text.contains("added inbound tcp 22 from 0.0.0.0/0 to "), text);
        assertTrue(text.contains(" (" + c.groupId() + ") in 111111111111 / eu-west-1"), "named: " + text);
        assertEquals("PENDING", Announced.status(moto, c.eventId()));
        assertEquals("sqs", Announced.item(moto, c.eventId()).get("intake").s());
    }

    @Test
    void theSameMessageDeliveredTwiceIsAnnouncedOnce() {
        Accounts.Change c = change();
        Queue.send(moto, envelope(c));
        Queue.send(moto, envelope(c));

        await().atMost(Duration.ofSeconds(15)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
        assertTrue(DetectionScenariosTest.metric("sgwarden_changes_total{intake=\"sqs\",outcome=\"duplicate\"}") >= 1);
        assertTrue(DetectionScenariosTest.metricsText().lines()
                .anyMatch(l -> l.startsWith("sgwarden_sqs_message_age_seconds ")), "the backlog gauge is served");
    }

    @Test
    void whileSlackFailsTheMessageStaysQueuedAndIsAnnouncedAfterRecovery() {
        // two receives' worth of attempts fail (1 try + 2 retries each), the third receive gets through
        slack.failNext(6, 500);
        int deadBefore = Queue.depth(moto, MotoResource.DLQ);
        Accounts.Change c = change();
        Queue.send(moto, envelope(c));

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.attempts().size() >= 3);
        assertTrue(slack.messagesMentioning(c.eventId()).isEmpty());
        assertEquals(1, Queue.depth(moto, MotoResource.QUEUE), "not deleted while Slack fails");

        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertEquals(deadBefore, Queue.depth(moto, MotoResource.DLQ));
        assertEquals("PENDING", Announced.status(moto, c.eventId()));
    }

    @Test
    void aMessageWhoseChangeIsClaimedButNotAnnouncedStaysQueuedUntilTheClaimIsTakenOver() {
        // an instance died mid-post a minute ago; the claim goes stale after the default 2 min
        Accounts.Change c = change();
        Announced.claimLeftByACrash(moto, c.eventId(), MovableClock.now().minusSeconds(60));
        int deadBefore = Queue.depth(moto, MotoResource.DLQ);
        Queue.send(moto, envelope(c));

        // received, found held, put back: not deleted as a duplicate, not announced
        await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(2)).until(
                () -> slack.messagesMentioning(c.eventId()).isEmpty() && Queue.depth(moto, MotoResource.QUEUE) == 1);
        assertEquals("ANNOUNCING", Announced.status(moto, c.eventId()));

        // stale: taken over and announced once, then deleted
        clock.advance(Duration.ofSeconds(61));
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertEquals("PENDING", Announced.status(moto, c.eventId()));
        assertEquals(deadBefore, Queue.depth(moto, MotoResource.DLQ));
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
    }

    @Test
    void aMalformedBodyLandsInTheDeadLetterQueueAndNothingIsAnnounced() {
        int deadBefore = Queue.depth(moto, MotoResource.DLQ);
        Queue.send(moto, "{\"detail-type\": \"AWS API Call via CloudTrail\", \"detail\": {\"eventID\": \"broken-1\"");

        await().atMost(Duration.ofSeconds(40)).until(() -> Queue.depth(moto, MotoResource.DLQ) == deadBefore + 1);
        assertEquals(0, Queue.depth(moto, MotoResource.QUEUE));
        assertTrue(slack.messages().isEmpty());
    }

    @Test
    void anUnreadableModificationLandsInTheDeadLetterQueueAndAReadableOneIsAnnounced() {
        int deadBefore = Queue.depth(moto, MotoResource.DLQ);
        Accounts.Change c = change();
        String ruleId = c.rules().get(0).securityGroupRuleId();
        Accounts.Change widened = Accounts.modify(moto, c.account(), c.region(), c.groupId(),
                java.util.Map.of(ruleId, Accounts.tcpForm(22, "0.0.0.0/0", "ssh")));
        // the rule's new form missing: the shape cannot be read
        String unreadable = widened.record()
                .replace("\"SecurityGroupRule\":{\"IpProtocol\"", "\"Other\":{\"IpProtocol\"")
                .replace(widened.eventId(), "broken-modify-1");
        Queue.send(moto, Records.envelope(unreadable, c.account(), c.region()));
        Announced.viaSqs(moto, slack, widened);

        await().atMost(Duration.ofSeconds(40)).until(() -> Queue.depth(moto, MotoResource.DLQ) == deadBefore + 1);
        assertTrue(slack.messagesMentioning("broken-modify-1").isEmpty());
        assertTrue(slack.messagesMentioning(widened.eventId()).get(0).allText().contains("changed rule `" + ruleId));
    }

    @Test
    void aFailedCallIsDeletedWithoutAnAnnouncement() {
        int deadBefore = Queue.depth(moto, MotoResource.DLQ);
        Accounts.Change c = change();
        String failed = c.record().replace("\"eventCategory\"", "\"errorCode\":\"Client.InvalidPermission.Duplicate\","
                + "\"errorMessage\":\"the specified rule already exists\",\"eventCategory\"");
        Queue.send(moto, Records.envelope(failed, c.account(), c.region()));

        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertEquals(deadBefore, Queue.depth(moto, MotoResource.DLQ));
        assertTrue(slack.messagesMentioning(c.eventId()).isEmpty());
    }

    @Test
    void denyOnAChangeThatCameThroughSqsRevertsIt() {
        Accounts.Change c = Announced.viaSqs(moto, slack, change());

        Clicks.click("sgwarden_deny", c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        assertTrue(!Accounts.ruleIds(moto, c.account(), c.region(), c.groupId())
                .contains(c.rules().get(0).securityGroupRuleId()));
    }
}
