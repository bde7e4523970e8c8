package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import sgwarden.ops.AuditLog;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.FaultyAws;
import sgwarden.testing.InjectFaultyAws;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.Profiles;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/** AWS and Slack misbehaving: nothing is lost, nothing is left stuck, and no secret reaches the logs. */
@QuarkusTest
@TestProfile(Profiles.Faulty.class)
class FaultsTest {

    @InjectMoto
    Moto moto;
    @InjectFaultyAws
    FaultyAws aws;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    @BeforeEach
    void clean() {
        aws.reset();
        slack.reset();
    }

    Accounts.Change change() {
        return Accounts.openSsh(moto);
    }

    static int ready() throws Exception {
        String url = sgwarden.testing.Management.url("/q/health/ready");
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void withTheTableUnreachableNothingIsLostAndTheNextRunAnnouncesIt() throws Exception {
        aws.dynamoUnreachable(true);
        Accounts.Change c = change();
        lake.seed(c.record());
        long runs = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(30)).until(() -> lake.finishedQueries() >= runs + 2);
        assertTrue(slack.messagesMentioning(c.eventId()).isEmpty());
        assertEquals(503, ready(), "not ready while the table is unreachable");

        aws.dynamoUnreachable(false);

        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        // PENDING once the service has Slack's answer, a moment after Slack has the message
        await().atMost(Duration.ofSeconds(5)).until(() -> "PENDING".equals(Announced.status(moto, c.eventId())));
        assertEquals(200, ready());
    }

    @Test
    void aRefusedAssumeRoleEndsRevertFailedShownInSlackAndDenyWorksOnceFixed() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, change());
        aws.fail("AssumeRole", 1, 403, "AccessDenied",
                "User: arn:aws:sts::123456789012:assumed-role/sgwarden is not authorized to perform: sts:AssumeRole");
        String first = slack.newResponseUrl();

        Clicks.click("sgwarden_deny", c.eventId(), "U0BOB", "bob", first).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERT_FAILED".equals(Announced.status(moto, c.eventId())));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(first).isEmpty());
        String shown = slack.responses(first).get(0).allText();
        assertTrue(shown.contains("Revert by @bob failed: AccessDenied"), shown);
        assertTrue(shown.contains("sgwarden_deny"), "Deny can be clicked again");
        assertTrue(Announced.item(moto, c.eventId()).get("error").s().startsWith("AccessDenied"));
        assertTrue(Accounts.ruleIds(moto, c.account(), c.region(), c.groupId())
                .contains(c.rules().get(0).securityGroupRuleId()));

        String second = slack.newResponseUrl();
        Clicks.click("sgwarden_deny", c.eventId(), "U0BOB", "bob", second).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        assertFalse(Accounts.ruleIds(moto, c.account(), c.region(), c.groupId())
                .contains(c.rules().get(0).securityGroupRuleId()));
    }

    @Test
    void ec2ThrottlingIsRetriedWithBackoffThenReverted() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, change());
        // more refusals than the SDK's own retries absorb, so the route's backoff takes over
        aws.fail("RevokeSecurityGroupIngress", 5, 503, "RequestLimitExceeded", "Request limit exceeded.");

        Clicks.click("sgwarden_deny", c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        assertEquals(6, aws.calls("RevokeSecurityGroupIngress"));
        assertFalse(Accounts.ruleIds(moto, c.account(), c.region(), c.groupId())
                .contains(c.rules().get(0).securityGroupRuleId()));
    }

    @Test
    void afterSlackWasDownForSeveralRunsEverythingIsAnnouncedInOrderOfEventTime() {
        slack.failNext(12, 500);
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Instant base = Instant.now().minusSeconds(300);
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                UUID.randomUUID().toString());
        for (int i = 2; i >= 0; i--) {
            Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(8000 + i, "0.0.0.0/0"));
            lake.seed(Records.authorize(ids.get(i), base.plusSeconds(60L * i), c.account(), c.account(), c.region(),
                    group, false, c.rules()));
        }

        ids.forEach(id -> await().atMost(Duration.ofSeconds(40)).until(() -> slack.messagesMentioning(id).size() == 1));
        List<String> order = slack.messages().stream().map(SlackStandIn.Received::allText)
                .map(t -> ids.stream().filter(t::contains).findFirst().orElse("")).filter(s -> !s.isEmpty()).toList();
        assertEquals(ids, order);
    }

    @Test
    void aMessageUpdateThatFailedIsRetriedAndTheDecisionStands() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, change());
        slack.failNextResponses(2, 500);
        String url = slack.newResponseUrl();

        Clicks.click("sgwarden_approve", c.eventId(), "U0ALICE", "alice", url).expect(200);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> slack.responses(url).stream().anyMatch(r -> r.answered() == 200));
        List<SlackStandIn.Received> attempts = slack.responses(url);
        assertEquals(List.of(500, 500, 200), attempts.stream().map(SlackStandIn.Received::answered).toList());
        assertTrue(attempts.get(2).allText().contains("Approved by @alice"), attempts.get(2).allText());
        assertEquals("APPROVED", Announced.status(moto, c.eventId()));
    }

    @Test
    void aMessageUpdateThatKeepsFailingIsCountedAndTheRevertStands() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, change());
        double failedBefore = await().atMost(Duration.ofSeconds(30)).until(FaultsTest::failedUpdates, v -> v >= 0);
        slack.failNextResponses(5, 503);
        String url = slack.newResponseUrl();

        Clicks.click("sgwarden_deny", c.eventId(), "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        await().atMost(Duration.ofSeconds(30)).until(() -> failedUpdates() >= failedBefore + 1);
        // three attempts, within Slack's five uses of a response_url
        assertEquals(3, slack.responses(url).size());
        assertFalse(Accounts.ruleIds(moto, c.account(), c.region(), c.groupId())
                .contains(c.rules().get(0).securityGroupRuleId()));
        slack.reset();
    }

    /** sgwarden_slack_updates_total{outcome="failed"}; -1 while /q/metrics does not answer within 5 s. */
    static double failedUpdates() {
        String url = sgwarden.testing.Management.url("/q/metrics");
        try {
            String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> l.startsWith("sgwarden_slack_updates_total{outcome=\"failed\"} "))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @AfterAll
    static void noSecretInAnyLogLine() throws Exception {
        String log = Files.readString(Path.of(Profiles.Faulty.LOG));
        assertTrue(log.contains("Revert") || log.contains("revert"), "the log file holds this run");
        assertFalse(log.contains(SlackStandInResource.SIGNING_SECRET), "signing secret in the logs");
        assertFalse(log.contains(Profiles.SPOKE_EXTERNAL_ID), "the spoke role's external ID in the logs");
        assertFalse(log.contains("standinsecretwebhookpath"), "webhook URL in the logs");
        assertFalse(log.contains("v0="), "a request signature in the logs");
        assertFalse(log.contains("/response/"), "a response_url in the logs");
        assertFalse(log.contains("xoxb-"), "a bot token in the logs");
    }

    /** The audit lines are JSON lines here (quarkus.log.file.json), with the fields as JSON fields. */
    @AfterAll
    static void everyActionHasAnAuditLineWithItsFields() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> audit = Files.readAllLines(Path.of(Profiles.Faulty.LOG)).stream()
                .filter(l -> l.startsWith("{")).map(l -> {
                    try {
                        return json.readTree(l);
                    } catch (Exception e) {
                        throw new IllegalStateException(l, e);
                    }
                }).filter(n -> AuditLog.CATEGORY.equals(n.path("loggerName").asText())).toList();
        assertTrue(audit.stream().allMatch(n -> n.path("level").asText().equals("INFO")));
        for (String kind : List.of("announced", "decision", "revert")) {
            assertTrue(audit.stream().anyMatch(n -> kind.equals(n.path("mdc").path("audit").asText())),
                    "no " + kind + " line");
        }
        JsonNode failed = audit.stream().filter(n -> n.path("mdc").path("audit").asText().equals("revert")
                && n.path("mdc").path("outcome").asText().equals("REVERT_FAILED")).findFirst().orElseThrow();
        assertEquals("U0BOB", failed.path("mdc").path("user").asText());
        assertTrue(failed.path("mdc").path("error").asText().startsWith("AccessDenied"), failed.toString());
        assertTrue(failed.path("mdc").path("ruleIds").asText().startsWith("sgr-"), failed.toString());
        assertTrue(failed.path("mdc").path("account").asText().matches("\\d{12}"), failed.toString());
        assertTrue(audit.stream().anyMatch(n -> n.path("mdc").path("audit").asText().equals("decision")
                && n.path("mdc").path("decision").asText().equals("APPROVE")
                && n.path("mdc").path("user").asText().equals("U0ALICE")));
    }
}
