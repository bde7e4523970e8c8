package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

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

/**
 * A policy caps how long its rules may be approved for, and may forbid "permanently" (offered: 3 s, 8 s, 1 h,
 * permanently); other policies decide changes left undecided.
 */
@QuarkusTest
@TestProfile(Profiles.LakeCapped.class)
class ApprovalCapTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;
    @jakarta.inject.Inject
    sgwarden.store.DueIndex dueIndex;
    @jakarta.inject.Inject
    sgwarden.store.Reminders dueReminders;
    @jakarta.inject.Inject
    sgwarden.testing.MovableClock clock;

    @Test
    void onlyWhatThePolicyAllowsIsOfferedAndALongerChoiceIsRefusedPrivately() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String blocks = slack.messagesMentioning(c.eventId()).get(0).json().toString();
        assertTrue(blocks.contains("\"sgwarden_approve_for_3s\""), blocks);
        assertFalse(blocks.contains("\"sgwarden_approve_for_1h\""), "longer than the policy's 30 minutes");
        assertFalse(blocks.contains("\"sgwarden_approve\""), "permanently is absent where the policy forbids it");
        assertFalse(blocks.contains("Approve permanently"));

        String permanent = slack.newResponseUrl();
        Clicks.click("sgwarden_approve", c.eventId(), "U0ALICE", "alice", permanent).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(permanent).isEmpty());
        SlackStandIn.Received reply = slack.responses(permanent).get(0);
        assertEquals("ephemeral", reply.json().path("response_type").asText());
        assertTrue(reply.text().contains("policy 'world-ssh-briefly' does not allow approving these rules permanently"),
                reply.text());

        String hour = slack.newResponseUrl();
        Clicks.click("sgwarden_approve_for_1h", c.eventId(), "U0ALICE", "alice", hour).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(hour).isEmpty());
        assertTrue(slack.responses(hour).get(0).text().contains("for at most 30 m"),
                slack.responses(hour).get(0).text());
        assertTrue(slack.responses(hour).get(0).text().contains("Choose one of: 3 s, 8 s."),
                slack.responses(hour).get(0).text());
        assertEquals("PENDING", Announced.status(moto, c.eventId()), "nothing changed");
    }

    @Test
    void rulesNoCapMatchesAreOfferedEveryDuration() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(443, "10.0.0.0/8")));
        String blocks = slack.messagesMentioning(c.eventId()).get(0).json().toString();
        assertTrue(blocks.contains("\"sgwarden_approve_for_1h\"") && blocks.contains("Approve permanently"), blocks);
    }

    /** A change left PENDING gets one reminder, mentioning the user group, with the buttons (webhook mode). */
    @Test
    void anUndecidedChangeGetsOneReminderMentioningTheUserGroup() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(8443, "10.0.0.0/8")));
        String mention = "<!subteam^" + Profiles.LakeCapped.USER_GROUP + ">";
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(15)).until(() -> !reminders(c, mention).isEmpty());
        // the timer keeps reading the due-index: two more checks, still one reminder
        long checked = dueIndex.checks();
        await().atMost(Duration.ofSeconds(10)).until(() -> dueIndex.checks() > checked + 2);
        assertEquals(1, reminders(c, mention).size());
        SlackStandIn.Received reminder = reminders(c, mention).get(0);
        assertTrue(reminder.text().startsWith(mention + " :bell: Still undecided after 2 s: "), reminder.text());
        assertTrue(reminder.text().endsWith("."), "a sentence: " + reminder.text());
        assertTrue(reminder.json().toString().contains("\"sgwarden_deny\""), "the reminder carries the buttons");
        var item = Announced.item(moto, c.eventId());
        assertTrue(item.containsKey("remindedAt"));
        assertFalse(item.containsKey("dueShard"), "out of the due-index once reminded");
        assertEquals("PENDING", item.get("status").s());
    }

    /** Two replicas read the same due reminder at once: the conditional claim lets one of them remind. */
    @Test
    void aReminderIsClaimedOnce() throws Exception {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(8444, "10.0.0.0/8")));
        String id = c.eventId();
        String due = Long.toString(java.time.Instant.now().plusSeconds(3600).getEpochSecond());
        try (var dynamo = sgwarden.testing.Aws.dynamo(moto)) {
            dynamo.updateItem(b -> b.tableName(sgwarden.testing.MotoResource.TABLE)
                    .key(java.util.Map.of("changeId",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id)))
                    .updateExpression("SET dueShard = :sh, dueAt = :d")
                    .expressionAttributeValues(java.util.Map.of(
                            ":sh", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("reminder"),
                            ":d", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(due))));
        }
        var seen = java.util.Map.of("changeId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id),
                "dueAt", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN(due));
        var context = new org.apache.camel.impl.DefaultCamelContext();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool
                    .submit(() -> dueReminders.claimReminder(seen, null,
                            new org.apache.camel.support.DefaultExchange(context)));
            var b = pool
                    .submit(() -> dueReminders.claimReminder(seen, null,
                            new org.apache.camel.support.DefaultExchange(context)));
            assertEquals(1, java.util.stream.Stream.of(a.get(), b.get()).filter(java.util.Objects::nonNull).count());
        } finally {
            pool.shutdown();
        }
    }

    java.util.List<SlackStandIn.Received> reminders(Accounts.Change c, String mention) {
        return slack.messagesMentioning(c.eventId()).stream().filter(m -> m.text().contains(mention)).toList();
    }

    /** Extend within the cap only: the notice offers no longer choice, and a forged one changes nothing. */
    @Test
    void anExtendBeyondTheCapIsRefusedAndChangesNothing() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
        String early = slack.newResponseUrl();
        Clicks.click("sgwarden_extend_for_3s", c.eventId(), "U0BOB", "bob", early).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(early).isEmpty());
        assertTrue(slack.responses(early).get(0).text().contains("This change is not approved"),
                slack.responses(early).get(0).text());

        Clicks.click("sgwarden_approve_for_3s", c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !notices(c).isEmpty());
        String notice = notices(c).get(0).json().toString();
        assertTrue(notice.contains("\"sgwarden_extend_for_8s\""), notice);
        assertFalse(notice.contains("\"sgwarden_extend_for_1h\""), "longer than the policy's 30 minutes");
        assertFalse(notice.contains("sgwarden_extend_for_permanent"), "permanently is forbidden by the policy");
        String until = Announced.item(moto, c.eventId()).get("approvedUntil").s();

        String hour = slack.newResponseUrl();
        Clicks.click("sgwarden_extend_for_1h", c.eventId(), "U0BOB", "bob", hour).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(hour).isEmpty());
        String reply = slack.responses(hour).get(0).text();
        assertTrue(reply.contains("Extending for 1 h is refused: policy 'world-ssh-briefly' allows approving these"
                + " rules for at most 30 m"), reply);
        var item = Announced.item(moto, c.eventId());
        assertEquals(until, item.get("approvedUntil").s(), "the expiry did not move");
        assertFalse(item.containsKey("extended"));
    }

    /** A change left PENDING past its policy's undecided time is denied by the policy, and reverted. */
    @Test
    void aPolicyDeniesAChangeLeftUndecidedAndAClickAfterItIsToldSo() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(2201, "10.0.0.0/8")));
        String ruleId = c.rules().get(0).securityGroupRuleId();

        // reminded after 2 s, decided by the policy after 3 s
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> !told(c, "Still undecided").isEmpty());
        clock.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        assertFalse(Accounts.rulesNow(moto, c).contains(ruleId), "the rule is gone from moto");
        var item = Announced.item(moto, c.eventId());
        assertEquals("policy:undecided-deny", item.get("decidedBy").s());
        assertEquals("DENY", item.get("decision").s());
        assertTrue(item.containsKey("remindedAt"), "reminded first");
        String reminder = told(c, "Still undecided").get(0).allText();
        assertTrue(reminder.contains(". If nobody decides, policy *undecided-deny* will deny (revert) at <!date^"),
                "the reminder says what comes next: " + reminder);
        assertFalse(item.containsKey("dueShard"), "out of the due-index once decided");
        await().atMost(Duration.ofSeconds(10)).until(() -> !told(c, "Denied by policy undecided-deny").isEmpty());
        String message = told(c, "Denied by policy undecided-deny").get(0).allText();
        assertTrue(message.contains("Denied by policy undecided-deny after 3 s undecided; reverted at "), message);
        assertTrue(told(c, "Denied by policy undecided-deny").get(0).json().toString()
                .contains("\"" + sgwarden.slack.PolicyMessages.RESTORE + "\""), "Restore, as after a Deny");

        String late = slack.newResponseUrl();
        Clicks.click("sgwarden_approve_for_3s", c.eventId(), "U0ALICE", "alice", late).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(late).isEmpty());
        assertTrue(slack.responses(late).get(0).text().contains("already denied by policy undecided-deny"),
                slack.responses(late).get(0).text());
        assertEquals("REVERTED", Announced.status(moto, c.eventId()));
    }

    @Test
    void aPolicyMayApproveAChangeLeftUndecided() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(2202, "10.0.0.0/8")));

        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> !told(c, "Still undecided").isEmpty());
        clock.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> "APPROVED".equals(Announced.status(moto, c.eventId())));
        var item = Announced.item(moto, c.eventId());
        assertEquals("policy:undecided-approve", item.get("decidedBy").s());
        assertEquals("APPROVE", item.get("decision").s());
        assertTrue(Accounts.rulesNow(moto, c).contains(c.rules().get(0).securityGroupRuleId()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !told(c, "Approved by policy undecided-approve after 3 s undecided").isEmpty());
    }

    java.util.List<SlackStandIn.Received> notices(Accounts.Change c) {
        return slack.messagesMentioning(c.eventId()).stream().filter(m -> m.text().contains("Extend it?")).toList();
    }

    java.util.List<SlackStandIn.Received> told(Accounts.Change c, String what) {
        return slack.messagesMentioning(c.eventId()).stream().filter(m -> m.allText().contains(what)).toList();
    }
}
