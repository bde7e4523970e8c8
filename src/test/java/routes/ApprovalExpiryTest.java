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

import sgwarden.store.ApprovalExpiries;
import sgwarden.store.DueIndex;
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
import sgwarden.testing.MovableClock;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;

/** Approve for a time: offered in the message, recorded with its expiry, reverted once at expiry (webhook mode). */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class ApprovalExpiryTest {

    // the test profile offers 3s, 8s, 1h and permanently, and the Extend notice 2 s before expiry
    static final String APPROVE_3S = "sgwarden_approve_for_3s";

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    @Inject
    ApprovalExpiries approvalExpiries;
    @Inject
    DueIndex dueIndex;
    @Inject
    MovableClock clock;

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
        // an approval of seconds ends at a time to the second, not in the minute it was given
        assertTrue(slack.responses(responseUrl).get(0).json().toString().contains("{time_secs}"),
                slack.responses(responseUrl).get(0).json().toString());
        Map<String, AttributeValue> approved = Announced.item(moto, change.eventId());
        assertEquals("APPROVED", approved.get("status").s());
        assertTrue(List.of("notice", "approval").contains(approved.get("dueShard").s()), "in the due-index");
        assertTrue(Accounts.rulesNow(moto, change).contains(ruleId), "the rule stands until expiry");

        clock.advance(Duration.ofSeconds(3));
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
            var a = pool
                    .submit(() -> approvalExpiries.claim(seen, new org.apache.camel.support.DefaultExchange(context)));
            var b = pool
                    .submit(() -> approvalExpiries.claim(seen, new org.apache.camel.support.DefaultExchange(context)));
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

    /** Extend before expiry: the rule outlives the first expiry and is reverted at the second. */
    @Test
    void anExtendedApprovalOutlivesItsFirstExpiryAndIsRevertedAtTheNew() {
        Accounts.Change change = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String ruleId = change.rules().get(0).securityGroupRuleId();
        Clicks.click(APPROVE_3S, change.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> notices(change).size() == 1);
        SlackStandIn.Received notice = notices(change).get(0);
        assertTrue(notice.text().startsWith(":hourglass_flowing_sand: The approval by @alice ends "), notice.text());
        String buttons = notice.json().toString();
        assertTrue(buttons.contains("\"sgwarden_extend_for_8s\"") && buttons.contains("Approve permanently"), buttons);
        assertTrue(notice.allText().contains(change.eventId()), "the new message names the change");
        java.time.Instant firstUntil = java.time.Instant.parse(Announced.item(moto, change.eventId())
                .get("approvedUntil").s());

        String extend = slack.newResponseUrl();
        Clicks.click("sgwarden_extend_for_8s", change.eventId(), "U0BOB", "bob", extend).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(extend).isEmpty());
        assertTrue(slack.responses(extend).get(0).allText().contains("Extended by @bob until "),
                slack.responses(extend).get(0).allText());
        Map<String, AttributeValue> extended = Announced.item(moto, change.eventId());
        assertTrue(java.time.Instant.parse(extended.get("approvedUntil").s()).isAfter(firstUntil.plusSeconds(3)));
        assertEquals("notice", extended.get("dueShard").s(), "the new expiry gets its own notice");

        // past the first expiry, before the new one: a tick of the due-items timer leaves it approved
        clock.advance(Duration.ofSeconds(4));
        long checked = dueIndex.checks();
        // one check may have begun before the clock moved: the second surely began after
        await().atMost(Duration.ofSeconds(10)).until(() -> dueIndex.checks() > checked + 1);
        assertEquals("APPROVED", Announced.status(moto, change.eventId()));
        assertTrue(Accounts.rulesNow(moto, change).contains(ruleId), "the rule outlives the first expiry");

        clock.advance(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        assertFalse(Accounts.rulesNow(moto, change).contains(ruleId));
        List<String> history = Announced.item(moto, change.eventId()).get("history").l().stream()
                .map(e -> e.m().containsKey("outcome") ? e.m().get("outcome").s() : e.m().get("decision").s()).toList();
        assertEquals(List.of("APPROVE", "EXTEND", "EXPIRED", "REVERTED"), history);
        assertEquals(2, notices(change).size(), "a fresh notice before the new expiry");
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messagesMentioning("expired and reverted at").stream()
                .anyMatch(m -> m.allText().contains(change.eventId())));
        String expired = slack.messagesMentioning("expired and reverted at").stream()
                .filter(m -> m.allText().contains(change.eventId())).findFirst().orElseThrow().allText();
        assertTrue(expired.contains("Approved by @alice for 3 s, extended by @bob for 8 s; expired and reverted at "),
                expired);

        // the old notice's button, clicked after the end: told, nothing changes
        String stale = slack.newResponseUrl();
        Clicks.click("sgwarden_extend_for_3s", change.eventId(), "U0BOB", "bob", stale).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(stale).isEmpty());
        assertTrue(
                slack.responses(stale).get(0).text()
                        .contains("This approval has ended; the change is now reverted: its rules were removed"),
                slack.responses(stale).get(0).text());
    }

    /** Two replicas read the same due notice at once: one posts it, and the approval moves on to its expiry. */
    @Test
    void aNoticeIsClaimedOnce() throws Exception {
        Accounts.Change change = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String id = change.eventId();
        java.time.Instant until = java.time.Instant.now().plusSeconds(7200);
        String due = Long.toString(until.getEpochSecond() - 600);
        try (var dynamo = Aws.dynamo(moto)) {
            dynamo.updateItem(b -> b.tableName(MotoResource.TABLE).key(Map.of("changeId", AttributeValue.fromS(id)))
                    .updateExpression("SET #s = :a, dueShard = :sh, dueAt = :d, approvedUntil = :u, approvedFor = :f,"
                            + " decidedBy = :by")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("APPROVED"),
                            ":sh", AttributeValue.fromS("notice"), ":d", AttributeValue.fromN(due),
                            ":u", AttributeValue.fromS(until.toString()), ":f", AttributeValue.fromS("2 h"),
                            ":by", AttributeValue.fromS("U0ALICE"))));
        }
        Map<String, AttributeValue> seen = Map.of("changeId", AttributeValue.fromS(id), "dueAt",
                AttributeValue.fromN(due));
        var context = new org.apache.camel.impl.DefaultCamelContext();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool
                    .submit(() -> approvalExpiries.claimNotice(seen,
                            new org.apache.camel.support.DefaultExchange(context)));
            var b = pool
                    .submit(() -> approvalExpiries.claimNotice(seen,
                            new org.apache.camel.support.DefaultExchange(context)));
            assertEquals(1, java.util.stream.Stream.of(a.get(), b.get()).filter(java.util.Objects::nonNull).count(),
                    "exactly one replica posts the notice");
        } finally {
            pool.shutdown();
        }
        Map<String, AttributeValue> item = Announced.item(moto, id);
        assertEquals("approval", item.get("dueShard").s(), "due next for its expiry");
        assertEquals(Long.toString(until.getEpochSecond()), item.get("dueAt").n());
    }

    List<SlackStandIn.Received> notices(Accounts.Change c) {
        return slack.messagesMentioning(c.eventId()).stream().filter(m -> m.text().contains("Extend it?")).toList();
    }
}
