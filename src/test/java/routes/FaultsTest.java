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

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.FaultyAws;
import sgwarden.testing.FaultyAwsResource;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.LakeStandInResource;
import sgwarden.testing.Moto;
import sgwarden.testing.Profiles;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/** AWS and Slack misbehaving: nothing is lost, nothing is left stuck, and no secret reaches the logs. */
@QuarkusTest
@TestProfile(Profiles.Faulty.class)
class FaultsTest {

    final Moto moto = Moto.start();
    final FaultyAws aws = FaultyAwsResource.faulty();
    final SlackStandIn slack = SlackStandInResource.slack();
    final LakeStandIn lake = LakeStandInResource.lake();

    @BeforeEach
    void clean() {
        aws.reset();
        slack.reset();
    }

    Accounts.Change change() {
        return Accounts.openSsh(moto);
    }

    static int ready() throws Exception {
        String url = ConfigProvider.getConfig().getValue("test.url", String.class) + "/q/health/ready";
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
        Accounts.Change c = Announced.viaLake(change());
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
        Accounts.Change c = Announced.viaLake(change());
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

    @AfterAll
    static void noSecretInAnyLogLine() throws Exception {
        String log = Files.readString(Path.of(Profiles.Faulty.LOG));
        assertTrue(log.contains("Revert") || log.contains("revert"), "the log file holds this run");
        assertFalse(log.contains(SlackStandInResource.SIGNING_SECRET), "signing secret in the logs");
        assertFalse(log.contains("standinsecretwebhookpath"), "webhook URL in the logs");
        assertFalse(log.contains("v0="), "a request signature in the logs");
    }
}
