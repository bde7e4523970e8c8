package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.MovableClock;
import sgwarden.testing.Profiles;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;

/** Detection through the Lake with every record shape, a slow or failing Lake, and a failing Slack. */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class DetectionScenariosTest {

    @Inject
    MovableClock clock;
    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    static String fixture(String name) {
        try (InputStream in = DetectionScenariosTest.class.getResourceAsStream("/fixtures/" + name)) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // inside the look-back window of the next query
            return json.replaceAll("\"eventTime\"\\s*:\\s*\"[^\"]+\"",
                    "\"eventTime\": \"" + Instant.now().minusSeconds(120).toString().replaceAll("\\.\\d+", "") + "\"");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String announcement(String eventId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(eventId).isEmpty());
        return slack.messagesMentioning(eventId).get(0).allText();
    }

    @Test
    void everyRecordShapeIsAnnouncedWithItsRulesAndPrincipal() {
        Map<String, String> ids = Map.ofEntries(
                Map.entry("ingress-tcp-22-world.json", "6f0c1e4a-2b7d-4c59-9a3e-81d2f5b0c7e1"),
                Map.entry("egress-udp.json", "0b9d8c7e-6f5a-4e3d-8c2b-1a0f9e8d7c6b"),
                Map.entry("icmp.json", "9e8d7c6b-5a4f-4e3d-b2c1-0f9e8d7c6b5a"),
                Map.entry("all-traffic.json", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"),
                Map.entry("ipv6.json", "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"),
                Map.entry("prefix-list.json", "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"),
                Map.entry("sg-reference-cross-account.json", "4f5a6b7c-8d9e-4f0a-b1c2-d3e4f5a6b7c8"),
                Map.entry("multi-permission.json", "5a6b7c8d-9e0f-4a1b-8c2d-e3f4a5b6c7d8"),
                Map.entry("cross-account-caller.json", "6b7c8d9e-0f1a-4b2c-9d3e-f4a5b6c7d8e9"),
                Map.entry("legacy-no-rule-set.json", "a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d"));
        lake.seed(fixture("unparseable.json"));
        lake.seed(fixture("failed-call.json"));
        ids.keySet().forEach(f -> lake.seed(fixture(f)));

        assertTrue(announcement(ids.get("ingress-tcp-22-world.json"))
                .contains("added inbound tcp 22 from 0.0.0.0/0 to sg-0a1b2c3d4e5f60718 in 111111111111 / eu-west-1"));
        assertTrue(announcement(ids.get("egress-udp.json")).contains("outbound udp 53"));
        assertTrue(announcement(ids.get("icmp.json")).contains("icmp type 8 code 0"));
        String all = announcement(ids.get("all-traffic.json"));
        assertTrue(all.contains("all traffic") && all.contains("all protocols"), all);
        assertTrue(announcement(ids.get("ipv6.json")).contains("::/0"));
        assertTrue(announcement(ids.get("prefix-list.json")).contains("pl-"));
        assertTrue(announcement(ids.get("sg-reference-cross-account.json")).contains("(account 333333333333)"));
        String multi = announcement(ids.get("multi-permission.json"));
        assertTrue(multi.contains("6 inbound rules"), multi);
        String crossCaller = announcement(ids.get("cross-account-caller.json"));
        assertTrue(crossCaller.contains("in 111111111111 / ") && crossCaller.contains("caller account 222222222222"),
                crossCaller);
        announcement(ids.get("legacy-no-rule-set.json"));
        // the failed call and the unreadable record were passed over; the runs went on
        long runs = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(20)).until(() -> lake.finishedQueries() >= runs + 2);
        assertTrue(slack.messagesMentioning("7c8d9e0f-1a2b-4c3d-8e4f-a5b6c7d8e9f0").isEmpty(), "failed call");
        assertTrue(slack.messagesMentioning("8d9e0f1a-2b3c-4d4e-9f5a-b6c7d8e9f0a1").isEmpty(), "unparseable");
        ids.values().forEach(id -> assertEquals(1, slack.messagesMentioning(id).size(), id));
        assertTrue(metric("sgwarden_changes_total{intake=\"lake\",outcome=\"unparseable\"}") >= 1);
        assertTrue(metric("sgwarden_changes_total{intake=\"lake\",outcome=\"skipped\"}") >= 1);
    }

    @Test
    void whenSlackFailsForSeveralRunsTheChangeIsAnnouncedOnceItRecovers() {
        // three runs' worth of attempts (1 try + 2 retries each) fail with 500
        slack.failNext(9, 500);
        Accounts.Change c = change();
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        long failed = slack.attempts().stream().filter(r -> r.answered() == 500).count();
        assertTrue(failed >= 9, "failed attempts: " + failed);
        long runs = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(20)).until(() -> lake.finishedQueries() >= runs + 2);
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
        assertEquals("PENDING", Announced.status(moto, c.eventId()));
    }

    @Test
    void aChangeLeftClaimedByACrashIsAnnouncedOnALaterTickOnceTheClaimIsStale() {
        // an instance died mid-post 112 s ago; the claim goes stale after the default 2 min
        Accounts.Change c = change();
        Announced.claimLeftByACrash(moto, c.eventId(), MovableClock.now().minusSeconds(112));
        long runs = lake.finishedQueries();
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(5)).until(() -> lake.finishedQueries() >= runs + 2);
        assertTrue(slack.messagesMentioning(c.eventId()).isEmpty(), "not announced while the claim is held");
        assertEquals("ANNOUNCING", Announced.status(moto, c.eventId()));
        clock.advance(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(20)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        // PENDING once the service has Slack's answer, a moment after Slack has the message
        await().atMost(Duration.ofSeconds(5)).until(() -> "PENDING".equals(Announced.status(moto, c.eventId())));
        long after = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(20)).until(() -> lake.finishedQueries() >= after + 2);
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
    }

    @Test
    void aRateLimitWaitsForRetryAfter() {
        slack.rateLimitNext(2);
        Accounts.Change c = change();
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        List<SlackStandIn.Received> attempts = slack.attempts();
        SlackStandIn.Received limited = attempts.stream().filter(r -> r.answered() == 429).findFirst().orElseThrow();
        SlackStandIn.Received next = attempts.get(attempts.indexOf(limited) + 1);
        assertTrue(Duration.between(limited.at(), next.at()).toMillis() >= 1900,
                "retried after " + Duration.between(limited.at(), next.at()));
    }

    @Test
    void theQueryWaitsThroughQueuedAndRunningAndReadsEveryPage() {
        lake.pageSize(2);
        List<Accounts.Change> changes = java.util.stream.IntStream.range(0, 5).mapToObj(i -> change()).toList();
        changes.forEach(c -> lake.seed(c.record()));

        changes.forEach(c -> await().atMost(Duration.ofSeconds(30))
                .until(() -> slack.messagesMentioning(c.eventId()).size() == 1));
    }

    @Test
    void aFailedQueryIsRunAgainOnTheNextTick() {
        double failedBefore = metric("sgwarden_lake_queries_total{status=\"FAILED\"}");
        lake.nextQueryStates("QUEUED", "RUNNING", "FAILED");
        Accounts.Change c = change();
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        assertEquals(failedBefore + 1, metric("sgwarden_lake_queries_total{status=\"FAILED\"}"));
    }

    @Test
    void lakeQueriesEndingTimedOutOrCancelledOrNeverFinishingAreCountedCancelledWhereNeededAndRunAgain() {
        double timedOut = metric("sgwarden_lake_queries_total{status=\"TIMED_OUT\"}");
        double cancelled = metric("sgwarden_lake_queries_total{status=\"CANCELLED\"}");
        double waitExceeded = metric("sgwarden_lake_queries_total{status=\"WAIT_EXCEEDED\"}");
        int cancelsBefore = lake.cancelledQueries().size();
        lake.nextQueryStates("QUEUED", "RUNNING", "TIMED_OUT");
        lake.nextQueryStates("QUEUED", "CANCELLED");
        // still RUNNING when sgwarden.lake.max-wait (5 s here) runs out
        lake.nextQueryStates("QUEUED", "RUNNING");
        Accounts.Change c = change();
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(40)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        assertEquals(timedOut + 1, metric("sgwarden_lake_queries_total{status=\"TIMED_OUT\"}"));
        assertEquals(cancelled + 1, metric("sgwarden_lake_queries_total{status=\"CANCELLED\"}"));
        assertEquals(waitExceeded + 1, metric("sgwarden_lake_queries_total{status=\"WAIT_EXCEEDED\"}"));
        // only the query that was still running needed cancelling (the stand-in refuses to cancel an ended one)
        assertEquals(cancelsBefore + 1, lake.cancelledQueries().size());
    }

    @Test
    void changesAreAnnouncedInOrderOfEventTimeWhateverOrderTheLakeHoldsThem() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Instant base = Instant.now().minusSeconds(600);
        List<String> ids = new java.util.ArrayList<>();
        List<String> records = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Accounts.Change made = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(9000 + i, "0.0.0.0/0"));
            ids.add(made.eventId());
            // stored newest first: only the query's ORDER BY puts them right
            records.add(0, Records.authorize(made.eventId(), base.plusSeconds(60L * i), made.account(), made.account(),
                    made.region(), group, false, made.rules()));
        }
        lake.seedAll(records);

        ids.forEach(id -> await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(id).size() == 1));
        List<String> order = slack.messages().stream().map(SlackStandIn.Received::allText)
                .map(t -> ids.stream().filter(t::contains).findFirst().orElse("")).filter(id -> !id.isEmpty()).toList();
        assertEquals(ids, order);
    }

    @Test
    void aChangeOfSixtyRulesWithLongDescriptionsIsAMessageSlackAccepts() {
        String group = "sg-0" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        List<SecurityGroupRule> rules = java.util.stream.IntStream.range(0, 60)
                .mapToObj(i -> SecurityGroupRule.builder()
                        .securityGroupRuleId("sgr-0" + String.format("%016x", i)).groupId(group).ipProtocol("tcp")
                        .fromPort(10000 + i).toPort(10000 + i).cidrIpv4("0.0.0.0/0").description("d".repeat(250) + i)
                        .build())
                .toList();
        String eventId = UUID.randomUUID().toString();
        lake.seed(Records.authorize(eventId, Instant.now().minusSeconds(60), Accounts.MEMBER, Accounts.MEMBER,
                Accounts.REGION, group, false, rules));

        String text = announcement(eventId);
        assertTrue(text.contains("60 inbound rules") && text.contains("more"), text);
        assertTrue(slack.refused("invalid_blocks").stream().noneMatch(r -> r.allText().contains(eventId)));
    }

    Accounts.Change change() {
        return Accounts.openSsh(moto);
    }

    static double metric(String series) {
        return metricsText().lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** What Prometheus scrapes from /q/metrics, on the management port. */
    static String metricsText() {
        String url = sgwarden.testing.Management.url("/q/metrics");
        try {
            // HTTP/1.1 and a timeout: the JDK client's h2c upgrade can stall against the service's server
            return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                    .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(20))
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
