package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Profiles;
import sgwarden.testing.Queue;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.Windows;

/** Deciding from a group message: Deny all, Approve all (for a time, with Extend all), one by one, Deny again, Restore. */
@QuarkusTest
@TestProfile(Profiles.SqsGrouped.class)
class GroupDecisionRoutesTest extends GroupBursts {

    /** A burst end to end; how a group of 500 stays within Slack's limits is GroupMessagesTest's. */
    @Test
    void twelveChangesByOnePrincipalAcrossSixGroupsAreOneMessageAndDenyAllRemovesEveryRule() {
        List<String> groups = groups(6);
        List<Accounts.Change> changes = burst(groups, 12);
        changes.forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 12);

        SlackStandIn.Received message = theMessageSaying("made 12 changes");
        String text = message.allText();
        assertTrue(text.contains("to *6 security groups* in *111111111111* / eu-west-1"), text);
        assertTrue(text.contains("*12 rules to decide on:*"), text);
        assertTrue(text.contains("inbound tcp 8011 from `10.20.0.0/16`"), "all 12 are listed: " + text);
        assertEquals(1, slack.messages().size(), "one message, not 12");
        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        assertTrue(Clicks.buttons(message).containsAll(List.of("sgwarden_group_deny", "sgwarden_group_one_by_one",
                "sgwarden_group_approve")), Clicks.buttons(message).toString());
        assertTrue(text.contains("Deny all removes 12 rules from 6 security groups"),
                "the confirmation counts: " + text);

        String responseUrl = slack.newResponseUrl();
        Clicks.clickIn(message, "sgwarden_group_deny", "U0ALICE", "alice", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(60)).until(() -> changes.stream()
                .allMatch(c -> "REVERTED".equals(Announced.status(moto, c.eventId()))));
        for (String g : groups) {
            assertTrue(Accounts.ruleIds(moto, Accounts.MEMBER, Accounts.REGION, g).stream()
                    .noneMatch(id -> changes.stream().anyMatch(c -> c.rules().stream()
                            .anyMatch(r -> r.securityGroupRuleId().equals(id)))),
                    "every rule gone from " + g);
        }
        changes.forEach(c -> assertEquals("U0ALICE", Announced.item(moto, c.eventId()).get("decidedBy").s()));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(responseUrl).stream()
                .anyMatch(r -> r.allText().contains("12 reverted")));
        String after = slack.responses(responseUrl).get(slack.responses(responseUrl).size() - 1).allText();
        assertTrue(after.contains("Deny all by @alice"), after);
        assertFalse(after.contains("sgwarden_group_deny\""), "no Deny all once all are decided: " + after);
        assertTrue(after.contains("*12 rules:*") && !after.contains("to decide on"),
                "nothing left to decide on: " + after);
    }

    @Test
    void theOutcomeNamesWhatFailedAndDenyAgainRetriesOnlyThat() {
        List<Accounts.Change> changes = burst(groups(1), 3);
        changes.forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 3);
        SlackStandIn.Received message = theMessageSaying("made 3 changes");
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        // the first revert's role is refused; the other two go through
        aws.fail("AssumeRole", 1, 403, "AccessDenied", "not authorized to perform: sts:AssumeRole");

        String first = slack.newResponseUrl();
        Clicks.clickIn(message, "sgwarden_group_deny", "U0BOB", "bob", first).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.responses(first).stream()
                .anyMatch(r -> r.allText().contains("2 reverted, 1 failed")));
        SlackStandIn.Received shown = slack.responses(first).get(slack.responses(first).size() - 1);
        assertTrue(shown.allText().contains("AccessDenied"), shown.allText());
        assertEquals(List.of("sgwarden_group_deny_again"), Clicks.buttons(shown), "only Deny again is left");
        Accounts.Change failed = changes.stream()
                .filter(c -> "REVERT_FAILED".equals(Announced.status(moto, c.eventId()))).findFirst().orElseThrow();

        String second = slack.newResponseUrl();
        Clicks.clickIn(shown, "sgwarden_group_deny_again", "U0BOB", "bob", second).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, failed.eventId())));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(second).stream()
                .anyMatch(r -> r.allText().contains("3 reverted")));
        for (Accounts.Change c : changes) {
            long reverts = Announced.item(moto, c.eventId()).get("history").l().stream()
                    .filter(h -> h.m().containsKey("outcome") && "REVERTED".equals(h.m().get("outcome").s())).count();
            assertEquals(1, reverts, "reverted once: " + c.eventId());
        }
        assertTrue(Clicks.buttons(slack.responses(second).get(slack.responses(second).size() - 1)).isEmpty());
    }

    @Test
    void approveAllForAnHourApprovesEachChangeUntilThen() {
        List<Accounts.Change> changes = burst(groups(1), 3);
        changes.forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 3);
        SlackStandIn.Received message = theMessageSaying("made 3 changes");
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        // one of them decided alone first: the group's decision leaves it as it is
        Clicks.click("sgwarden_deny", changes.get(0).eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "REVERTED".equals(Announced.status(moto, changes.get(0).eventId())));

        String responseUrl = slack.newResponseUrl();
        Clicks.clickIn(message, "sgwarden_group_approve_for_1h", "U0ALICE", "alice", responseUrl).expect(200);
        for (Accounts.Change c : changes.subList(1, 3)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> "APPROVED".equals(Announced.status(moto, c.eventId())));
            Map<String, AttributeValue> item = Announced.item(moto, c.eventId());
            assertEquals("1 h", item.get("approvedFor").s());
            assertEquals("U0ALICE", item.get("decidedBy").s());
        }
        assertEquals("REVERTED", Announced.status(moto, changes.get(0).eventId()));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(responseUrl).stream()
                .anyMatch(r -> r.allText().contains("Approve all by @alice")
                        && r.allText().contains("2 approved, 1 reverted (approved until ")));
    }

    @Test
    void aGroupApprovedForATimeGetsOneNoticeWithExtendAllAndOneExpiryMessage() {
        List<Accounts.Change> changes = burst(groups(2), 3);
        changes.forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 3);
        SlackStandIn.Received message = theMessageSaying("made 3 changes");
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));

        Clicks.clickIn(message, "sgwarden_group_approve_for_8s", "U0ALICE", "alice", slack.newResponseUrl())
                .expect(200);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(10))
                .until(() -> "APPROVED".equals(Announced.status(moto, c.eventId()))));
        // the notice comes 6 s before the end (this profile): one for the group, with Extend all
        clock.advance(Duration.ofSeconds(2));
        SlackStandIn.Received notice = theMessageSaying("Extend them?");
        assertTrue(Clicks.buttons(notice).contains("sgwarden_group_extend_for_8s"), Clicks.buttons(notice).toString());
        Clicks.clickIn(notice, "sgwarden_group_extend_for_8s", "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        for (Accounts.Change c : changes) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> Announced.item(moto, c.eventId()).containsKey("extended"));
        }
        // still there after the first expiry, reverted at the second; one message says so for all three
        clock.advance(Duration.ofSeconds(8));
        SlackStandIn.Received expired = theMessageSaying("their rules were reverted");
        changes.forEach(c -> await().atMost(Duration.ofSeconds(10))
                .until(() -> "REVERTED".equals(Announced.status(moto, c.eventId()))));
        assertTrue(Announced.item(moto, changes.get(0).eventId()).get("history").toString().contains("EXTEND"));
        assertTrue(expired.allText().contains("for 8 s ended at"), expired.allText());
        // one notice before each expiry, each for the whole group
        assertEquals(2, slack.messagesMentioning("Extend them?").size());
        assertEquals(1, slack.messagesMentioning("their rules were reverted").size());
        changes.forEach(c -> assertTrue(slack.messagesMentioning(c.eventId()).isEmpty(), "no message per change"));
    }

    @Test
    void aRevertLeftByAStoppedInstanceIsOfferedAgainFromTheGroupMessage() {
        List<Accounts.Change> changes = burst(groups(1), 2);
        changes.forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 2);
        SlackStandIn.Received message = theMessageSaying("made 2 changes");
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        // Deny all was under way when the instance was killed: one change denied 20 minutes ago, never reverted
        Accounts.Change stuck = changes.get(0);
        Instant then = Instant.now().minusSeconds(1200);
        try (var dynamo = Aws.dynamo(moto)) {
            dynamo.updateItem(b -> b.tableName(MotoResource.TABLE).key(Map.of("changeId",
                    AttributeValue.fromS(stuck.eventId())))
                    .updateExpression("SET #s = :reverting, decision = :deny, decidedBy = :by, decidedAt = :at,"
                            + " decidedAtEpoch = :epoch")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":reverting", AttributeValue.fromS("REVERTING"),
                            ":deny", AttributeValue.fromS("DENY"), ":by", AttributeValue.fromS("U0ALICE"),
                            ":at", AttributeValue.fromS(then.toString()),
                            ":epoch", AttributeValue.fromN(Long.toString(then.getEpochSecond())))));
        }

        String first = slack.newResponseUrl();
        Clicks.clickIn(message, "sgwarden_group_deny", "U0BOB", "bob", first).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.responses(first).stream()
                .anyMatch(r -> r.allText().contains("1 reverted, 1 failed")));
        SlackStandIn.Received shown = slack.responses(first).get(slack.responses(first).size() - 1);
        assertTrue(shown.allText().contains("the revert did not finish (its instance stopped)"), shown.allText());
        assertEquals(List.of("sgwarden_group_deny_again"), Clicks.buttons(shown));

        Clicks.clickIn(shown, "sgwarden_group_deny_again", "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, stuck.eventId())));
        assertFalse(Accounts.rulesNow(moto, stuck).contains(stuck.rules().get(0).securityGroupRuleId()));
    }

    @Test
    void decideOneByOnePostsEachChangeAloneAndDecidingOneLeavesTheOthersOpen() {
        List<Accounts.Change> changes = burst(groups(2), 3);
        changes.forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 3);
        SlackStandIn.Received message = theMessageSaying("made 3 changes");
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));

        String responseUrl = slack.newResponseUrl();
        Clicks.clickIn(message, "sgwarden_group_one_by_one", "U0BOB", "bob", responseUrl).expect(200);
        for (Accounts.Change c : changes) {
            await().atMost(Duration.ofSeconds(20)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(responseUrl).stream()
                .anyMatch(r -> r.allText().contains("3 waiting, each in its own message below")));
        // asked twice: nothing posted twice
        Clicks.clickIn(message, "sgwarden_group_one_by_one", "U0ALICE", "alice", slack.newResponseUrl())
                .expect(200).saying("already asked");

        Accounts.Change first = changes.get(0);
        Clicks.click("sgwarden_deny", first.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, first.eventId())));
        assertEquals("PENDING", Announced.status(moto, changes.get(1).eventId()));
        assertEquals("PENDING", Announced.status(moto, changes.get(2).eventId()));
        changes.forEach(c -> assertEquals(1, slack.messagesMentioning(c.eventId()).size()));
    }

    @Test
    void aQuarantinedChangeIsNamedInTheGroupAndRestoredFromThere() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change ssh = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(22, "0.0.0.0/0"));
        Accounts.Change https = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(8443, "10.9.0.0/16"));
        send(moto, ssh, ssh.record());
        send(moto, https, https.record());
        Windows.close(window, clock, 2);

        SlackStandIn.Received message = theMessageSaying("made 2 changes");
        String text = message.allText();
        assertTrue(text.contains("Quarantined by policy *ssh-open-to-world*"), text);
        assertTrue(Accounts.rulesNow(moto, ssh).isEmpty() || !Accounts.rulesNow(moto, ssh)
                .contains(ssh.rules().get(0).securityGroupRuleId()), "quarantined at once");
        // 8443's policy caps approval at 30 minutes: permanently is not offered, and refused if forged
        assertFalse(Clicks.buttons(message).contains("sgwarden_group_approve"), Clicks.buttons(message).toString());
        await().atMost(Duration.ofSeconds(5)).until(() -> "PENDING".equals(Announced.status(moto, https.eventId())));
        Clicks.click("sgwarden_group_approve", groupIdOf(message), "U0ALICE", "alice", slack.newResponseUrl())
                .expect(200).saying("does not allow approving these rules permanently");
        assertEquals("PENDING", Announced.status(moto, https.eventId()));

        String responseUrl = slack.newResponseUrl();
        Clicks.clickIn(message, "sgwarden_restore", "U0BOB", "bob", responseUrl).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESTORED".equals(Announced.status(moto, ssh.eventId())));
        assertEquals(1, Accounts.rulesNow(moto, ssh).size() - (Accounts.rulesNow(moto, https).size() - 1),
                "the ssh rule is back beside the https one");
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(responseUrl).stream()
                .anyMatch(r -> r.allText().contains("Restored by @bob") && r.allText().contains("made 2 changes")));
        assertEquals("PENDING", Announced.status(moto, https.eventId()), "the rest of the group is left open");
    }

}
