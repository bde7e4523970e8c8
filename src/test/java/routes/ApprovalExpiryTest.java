package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.store.Expiries;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;

/** Approve for a time: offered in the message, recorded with its expiry, reverted once at expiry (webhook mode). */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class ApprovalExpiryTest {

    // the test profile offers 3s, 1h and permanently
    static final String APPROVE_3S = "sgwarden_approve_for_3s";

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    @Inject
    Expiries expiries;

    @Test
    void theMessageOffersTheConfiguredDurations() {
        Accounts.Change change = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String text = slack.messagesMentioning(change.eventId()).get(0).json().toString();
        assertTrue(text.contains("\"sgwarden_approve_for_3s\""), text);
        assertTrue(text.contains("Approve for 1 h"), text);
        assertTrue(text.contains("Approve permanently"), text);
    }

    @Test
    void anApprovalForATimeIsRevertedAtExpiryAndTheChannelIsTold() {
        Accounts.Change change = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String ruleId = change.rules().get(0).securityGroupRuleId();
        String responseUrl = slack.newResponseUrl();

        Clicks.click(APPROVE_3S, change.eventId(), "U0ALICE", "alice", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertTrue(slack.responses(responseUrl).get(0).allText().contains("Approved by @alice until "),
                slack.responses(responseUrl).get(0).allText());
        Map<String, AttributeValue> approved = Announced.item(moto, change.eventId());
        assertEquals("APPROVED", approved.get("status").s());
        assertEquals("approval", approved.get("dueShard").s(), "in the due-index");
        assertTrue(Accounts.rulesNow(moto, change).contains(ruleId), "the rule stands until expiry");

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        assertFalse(Accounts.rulesNow(moto, change).contains(ruleId), "the rule is gone from moto");
        Map<String, AttributeValue> item = Announced.item(moto, change.eventId());
        List<String> outcomes = item.get("history").l().stream()
                .map(e -> e.m().containsKey("outcome") ? e.m().get("outcome").s() : e.m().get("decision").s()).toList();
        assertEquals(List.of("APPROVE", "EXPIRED", "REVERTED"), outcomes, "EXPIRED, then REVERTED");
        assertFalse(item.containsKey("dueShard") || item.containsKey("dueAt"), "out of the due-index once done");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !slack.messagesMentioning("expired and reverted at").isEmpty());
        List<SlackStandIn.Received> told = slack.messagesMentioning("expired and reverted at");
        assertEquals(1, told.size());
        assertTrue(told.get(0).allText().contains("Approved by @alice for 3 s; expired and reverted at "),
                told.get(0).allText());
        assertTrue(told.get(0).allText().contains(change.eventId()), "the new message names the change");
    }

    @Test
    void aDurationNotOfferedIsRefusedPrivately() {
        Accounts.Change change = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String responseUrl = slack.newResponseUrl();

        Clicks.click("sgwarden_approve_for_2h", change.eventId(), "U0ALICE", "alice", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertEquals("ephemeral", slack.responses(responseUrl).get(0).json().path("response_type").asText());
        assertTrue(slack.responses(responseUrl).get(0).text().contains("not offered"));
        assertEquals("PENDING", Announced.status(moto, change.eventId()));
        Clicks.click("sgwarden_approve_for_forever", change.eventId(), "U0ALICE", "alice", responseUrl).expect(400);
    }

    /** Two replicas read the same due item at once: the conditional claim lets exactly one of them act. */
    @Test
    void aDueItemIsClaimedOnce() throws Exception {
        Accounts.Change change = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String id = change.eventId();
        // approved, in the due-index, as both replicas read it (due in an hour, so the timer leaves it to them)
        String due = Long.toString(java.time.Instant.now().plusSeconds(3600).getEpochSecond());
        try (var dynamo = Aws.dynamo(moto)) {
            dynamo.updateItem(b -> b.tableName(MotoResource.TABLE).key(Map.of("changeId", AttributeValue.fromS(id)))
                    .updateExpression("SET #s = :a, dueShard = :sh, dueAt = :d, approvedFor = :f, decidedBy = :u")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("APPROVED"),
                            ":sh", AttributeValue.fromS("approval"), ":d", AttributeValue.fromN(due),
                            ":f", AttributeValue.fromS("1 h"), ":u", AttributeValue.fromS("U0ALICE"))));
        }
        Map<String, AttributeValue> seen = Map.of("changeId", AttributeValue.fromS(id), "dueAt",
                AttributeValue.fromN(due));
        var context = new org.apache.camel.impl.DefaultCamelContext();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> expiries.claim(seen, new org.apache.camel.support.DefaultExchange(context)));
            var b = pool.submit(() -> expiries.claim(seen, new org.apache.camel.support.DefaultExchange(context)));
            assertEquals(1, java.util.stream.Stream.of(a.get(), b.get()).filter(java.util.Objects::nonNull).count(),
                    "exactly one replica holds the claim");
        } finally {
            pool.shutdown();
        }
        Map<String, AttributeValue> item = Announced.item(moto, id);
        assertEquals("EXPIRED", item.get("status").s());
        long expiredEntries = item.get("history").l().stream()
                .filter(e -> "EXPIRED".equals(e.m().containsKey("outcome") ? e.m().get("outcome").s() : null)).count();
        assertEquals(1, expiredEntries, "one EXPIRED entry in the audit trail");
    }
}
