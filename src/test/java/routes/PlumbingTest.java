package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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

/**
 * sgwarden's own plumbing, watched: a change to its rules or spoke role in a member account is a
 * tamper alert, posted once and acknowledged once; a member account's heartbeat that falls silent is
 * posted once and its return once, with two replicas' timers racing, by moving the clock.
 */
@QuarkusTest
@TestProfile(Profiles.Both.class)
class PlumbingTest {

    static final String MEMBER = "222222222222";
    static final String REGION = "eu-west-1";
    static final String INSIDER = "arn:aws:sts::" + MEMBER + ":assumed-role/AdministratorAccess/mallory";

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @Inject
    MovableClock clock;
    @Inject
    ProducerTemplate producer;

    @BeforeEach
    void clean() {
        slack.reset();
    }

    @AfterEach
    void putTheClockBack() {
        clock.reset();
    }

    @Test
    void aDisabledForwardingRuleIsPostedOnceWithWhoWhatWhereAndAcknowledgeRecordsTheClicker() {
        String eventId = UUID.randomUUID().toString();
        String envelope = Records.plumbingCall(eventId, "DisableRule", MEMBER, REGION, "sgwarden-forward-sg-changes",
                INSIDER, null);
        // delivered twice (EventBridge is at least once): one alert
        Queue.send(moto, envelope);
        Queue.send(moto, envelope);

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messagesMentioning(eventId).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertEquals(1, slack.messagesMentioning(eventId).size());
        String text = slack.messagesMentioning(eventId).get(0).allText();
        assertTrue(text.contains("mallory"), "who: " + text);
        assertTrue(text.contains("disabled") && text.contains("EventBridge rule sgwarden-forward-sg-changes"),
                "what and which part: " + text);
        assertTrue(text.contains(MEMBER + " / " + REGION), "where: " + text);
        assertTrue(text.contains("security group changes from " + MEMBER + " / " + REGION
                + " may no longer reach sgwarden"), "what it may mean: " + text);
        assertTrue(text.contains("sgwarden_acknowledge") && !text.contains("sgwarden_approve")
                && !text.contains("sgwarden_deny"), "an alert, not a change to approve: " + text);
        assertEquals("TAMPER_ALERTED", Announced.status(moto, eventId));
        assertTrue(DetectionScenariosTest.metric("sgwarden_tamper_alerts_total{outcome=\"done\",part=\"rule\"}") >= 1);

        String url = slack.newResponseUrl();
        Clicks.click("sgwarden_acknowledge", eventId, "U0BOB", "bob", url).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(url).stream()
                .anyMatch(r -> r.allText().contains("Acknowledged by @bob")));
        Map<String, AttributeValue> item = Announced.item(moto, eventId);
        assertEquals("TAMPER_ACKNOWLEDGED", item.get("status").s());
        assertEquals("U0BOB", item.get("acknowledgedBy").s());
        assertTrue(item.containsKey("acknowledgedAt"));
        assertTrue(!slack.responses(url).get(0).allText().contains("sgwarden_acknowledge"), "the button is gone");

        // a second click is told who did it first, and changes nothing
        String late = slack.newResponseUrl();
        Clicks.click("sgwarden_acknowledge", eventId, "U0ALICE", "alice", late).expect(200)
                .saying("Already acknowledged by bob");
        assertEquals("U0BOB", Announced.item(moto, eventId).get("acknowledgedBy").s());
    }

    @Test
    void acknowledgingIsForTheDecidersOnly() {
        String eventId = UUID.randomUUID().toString();
        Queue.send(moto, Records.plumbingCall(eventId, "RemoveTargets", MEMBER, REGION, "sgwarden-heartbeat",
                INSIDER, null));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messagesMentioning(eventId).size() == 1);

        Clicks.click("sgwarden_acknowledge", eventId, "U0MALLORY", "mallory", slack.newResponseUrl()).expect(200)
                .saying("not on the list");
        assertEquals("TAMPER_ALERTED", Announced.status(moto, eventId));
    }

    @Test
    void aPolicyDeletedFromTheSpokeRoleIsPostedAndSoIsARefusedAttempt() {
        String deleted = UUID.randomUUID().toString();
        String refused = UUID.randomUUID().toString();
        Queue.send(moto, Records.plumbingCall(deleted, "DeleteRolePolicy", MEMBER, REGION, "sgwarden-spoke", INSIDER,
                null));
        Queue.send(moto, Records.plumbingCall(refused, "UpdateAssumeRolePolicy", MEMBER, REGION, "sgwarden-spoke",
                INSIDER, "AccessDenied"));

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messagesMentioning(deleted).size() == 1
                && slack.messagesMentioning(refused).size() == 1);
        String text = slack.messagesMentioning(deleted).get(0).allText();
        // IAM is global: CloudTrail records it in us-east-1
        assertTrue(text.contains("deleted an inline policy of") && text.contains("IAM role sgwarden-spoke")
                && text.contains(MEMBER + " / us-east-1") && text.contains("Reverts in this account may fail"), text);
        String attempt = slack.messagesMentioning(refused).get(0).allText();
        assertTrue(attempt.contains("tried to change who may assume") && attempt.contains("AccessDenied"), attempt);
    }

    @Test
    void aCallOnSomeoneElsesRuleIsNoAlert() {
        String eventId = UUID.randomUUID().toString();
        Queue.send(moto, Records.plumbingCall(eventId, "DisableRule", MEMBER, REGION, "team-nightly-build", INSIDER,
                null));
        String marker = UUID.randomUUID().toString();
        Queue.send(moto, Records.plumbingCall(marker, "DeleteRule", MEMBER, REGION, "sgwarden-forward-plumbing",
                INSIDER, null));

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messagesMentioning(marker).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertTrue(slack.messagesMentioning(eventId).isEmpty());
        assertTrue(slack.messagesMentioning("team-nightly-build").isEmpty());
    }

    @Test
    void aHeartbeatFallsSilentAndComesBackOneMessageEachWayWithTwoReplicas() throws Exception {
        String region = "ap-southeast-2";
        String silent = "No heartbeat from " + MEMBER + " / " + region;
        String back = "Heartbeat back from " + MEMBER + " / " + region;
        Queue.send(moto, Records.heartbeat(MEMBER, region, clock.instant()));
        await().atMost(Duration.ofSeconds(10)).until(() -> heartbeatItem(region) != null);

        // 14 minutes: not yet silent
        clock.advance(Duration.ofMinutes(14));
        race(() -> producer.requestBody("direct:heartbeat-silence", (Object) null));
        assertTrue(slack.messagesMentioning(silent).isEmpty());

        // 16 minutes: silent, posted once whatever the number of replicas checking
        clock.advance(Duration.ofMinutes(2));
        race(() -> producer.requestBody("direct:heartbeat-silence", (Object) null));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messagesMentioning(silent).size() == 1);
        race(() -> producer.requestBody("direct:heartbeat-silence", (Object) null));
        String text = slack.messagesMentioning(silent).get(0).allText();
        assertTrue(text.contains("for 16 minutes") && text.contains("disabled or deleted"), text);
        assertTrue(DetectionScenariosTest.metricsText().lines().anyMatch(l -> l.startsWith(
                "sgwarden_heartbeat_silence_seconds{account=\"" + MEMBER + "\",region=\"" + region + "\"}")),
                "the gauge per account and region is served");

        // back: the same heartbeat read by two replicas at once, and once more late; one message
        String again = Records.heartbeat(MEMBER, region, clock.instant());
        race(() -> producer.requestBody("direct:heartbeat-heard", again));
        Queue.send(moto, again);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messagesMentioning(back).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertEquals(1, slack.messagesMentioning(back).size());
        assertEquals(1, slack.messagesMentioning(silent).size());
        assertTrue(!heartbeatItem(region).containsKey("silentSince"));

        // heard again, the next silence check finds nothing
        race(() -> producer.requestBody("direct:heartbeat-silence", (Object) null));
        assertEquals(1, slack.messagesMentioning(silent).size());
    }

    @Test
    void aForgedOrMalformedHeartbeatIsRefusedAndKeepsNoAccountAlive() throws Exception {
        String region = "sa-east-1";
        // from a rule the insider made, or speaking for another account: refused, nothing kept
        for (String forged : List.of(
                Records.heartbeat(MEMBER, region, clock.instant(), "arn:aws:events:" + region + ":" + MEMBER
                        + ":rule/my-own-schedule"),
                Records.heartbeat(MEMBER, region, clock.instant(), "arn:aws:events:" + region
                        + ":111111111111:rule/sgwarden-heartbeat"),
                Records.heartbeat(MEMBER, region, clock.instant()).replace("\"aws.events\"", "\"sgwarden.heartbeat\""),
                Records.heartbeat(MEMBER, region, clock.instant()).replace("\"time\":\"", "\"time\":\"yesterday"))) {
            try {
                // as the SQS intake hands it on: refused, so that it ends on the dead-letter queue
                producer.requestBodyAndHeader("direct:heartbeat-heard", forged, "sgwardenIntake", "sqs");
                throw new AssertionError("accepted: " + forged);
            } catch (org.apache.camel.CamelExecutionException e) {
                assertTrue(e.getCause() instanceof sgwarden.change.UnparseableRecordException, e.toString());
            }
        }
        assertEquals(null, heartbeatItem(region));
    }

    @Test
    void anUnreadableCallOnThePlumbingIsRefusedAndPostsNothing() {
        String good = Records.plumbingCall("hostile-1", "DeleteRule", MEMBER, REGION, "sgwarden-heartbeat", INSIDER,
                null);
        for (String bad : List.of(
                good.replace("\"eventID\":\"hostile-1\"", "\"eventID\":\"\""),
                good.replace("\"name\":\"sgwarden-heartbeat\"", "\"name\":{\"nested\":true}"),
                good.replace("\"recipientAccountId\":\"" + MEMBER + "\"", "\"recipientAccountId\":\"2222\""),
                good.replace("\"eventName\":\"DeleteRule\"", "\"eventName\":\"ListRules\""),
                good.replace("\"eventTime\":\"", "\"eventTime\":\"soon"))) {
            try {
                producer.requestBodyAndHeader("direct:change-found", bad, "sgwardenIntake", "sqs");
                throw new AssertionError("accepted: " + bad);
            } catch (org.apache.camel.CamelExecutionException e) {
                assertTrue(e.getCause() instanceof sgwarden.change.UnparseableRecordException, e.toString());
            }
        }
        assertTrue(slack.messagesMentioning("hostile-1").isEmpty());
        assertEquals(null, Announced.status(moto, "hostile-1"));
    }

    private Map<String, AttributeValue> heartbeatItem(String region) {
        Map<String, AttributeValue> item = Announced.item(moto, "heartbeat#" + MEMBER + "#" + region);
        return item == null || item.isEmpty() ? null : item;
    }

    /** Two replicas' worth of the same step at once. */
    private static void race(Runnable step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(pool.submit(step));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
