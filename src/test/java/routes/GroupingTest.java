package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.grouping.GroupWindow;
import sgwarden.store.AnnouncementQueue;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.FaultyAws;
import sgwarden.testing.InjectFaultyAws;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.MovableClock;
import sgwarden.testing.Profiles;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.Windows;

/** Bursts: one principal's changes in one account within the window arrive as one message people can act on. */
@QuarkusTest
@TestProfile(Profiles.SqsGrouped.class)
class GroupingTest {

    static final String BOB = "arn:aws:sts::111111111111:assumed-role/Deployer/bob";

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectFaultyAws
    FaultyAws aws;
    @Inject
    AnnouncementQueue queue;
    @Inject
    GroupWindow window;
    @Inject
    MovableClock clock;

    @BeforeEach
    void clean() {
        slack.reset();
    }

    static void send(Moto moto, Accounts.Change c, String record) {
        Queue.send(moto, Records.envelope(record, c.account(), c.region()));
    }

    /** n changes, one rule each on port 8000+i, spread over the groups in turn. */
    List<Accounts.Change> burst(List<String> groups, int n) {
        List<Accounts.Change> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, groups.get(i % groups.size()), false,
                    Accounts.tcp(8000 + i, "10.20.0.0/16")));
        }
        return out;
    }

    List<String> groups(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION));
        }
        return out;
    }

    SlackStandIn.Received theMessageSaying(String text) {
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(text).size() == 1);
        return slack.messagesMentioning(text).get(0);
    }

    @Test
    void sixtyChangesByOnePrincipalAcrossTwelveGroupsAreOneMessageAndDenyAllRemovesEveryRule() {
        List<String> groups = groups(12);
        List<Accounts.Change> changes = burst(groups, 60);
        changes.forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 60);

        SlackStandIn.Received message = theMessageSaying("made 60 changes");
        String text = message.allText();
        assertTrue(text.contains("to *12 security groups* in *111111111111* / eu-west-1"), text);
        assertTrue(text.contains("*60 rules to decide on:*"), text);
        assertTrue(text.contains("inbound tcp 8059 from `10.20.0.0/16`"), "all 60 fit in Slack's limits: " + text);
        assertEquals(1, slack.messages().size(), "one message, not 60");
        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        changes.forEach(c -> await().atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        assertTrue(Clicks.buttons(message).containsAll(List.of("sgwarden_group_deny", "sgwarden_group_one_by_one",
                "sgwarden_group_approve")), Clicks.buttons(message).toString());
        assertTrue(text.contains("Deny all removes 60 rules from 12 security groups"),
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
                .anyMatch(r -> r.allText().contains("60 reverted")));
        String after = slack.responses(responseUrl).get(slack.responses(responseUrl).size() - 1).allText();
        assertTrue(after.contains("Deny all by @alice"), after);
        assertFalse(after.contains("sgwarden_group_deny\""), "no Deny all once all are decided: " + after);
    }

    @Test
    void anApplyThatPausesForLessThanTheQuietGapIsOneMessage() {
        List<String> groups = groups(6);
        List<Accounts.Change> changes = burst(groups, 60);
        changes.subList(0, 30).forEach(c -> send(moto, c, c.record()));
        Windows.holding(window, 30);
        // the apply pauses 5 s (a slow resource), then goes on: the group stays open
        clock.advance(Duration.ofSeconds(5));
        changes.subList(30, 60).forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 60);

        SlackStandIn.Received message = theMessageSaying("made 60 changes");
        assertTrue(message.allText().contains("to *6 security groups*"), message.allText());
        assertEquals(1, slack.messages().size(), "one message for the whole apply");
    }

    @Test
    void aSteadyTrickleIsAnnouncedWhenTheWindowEndsAndTheRestFollowsOnce() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        List<Accounts.Change> changes = new ArrayList<>();
        // one change every 8 s, never quiet for 15 s: the 2-minute window closes the group all the same
        for (int i = 0; i < 18; i++) {
            Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(8200 + i, "10.30.0.0/16"));
            changes.add(c);
            send(moto, c, c.record());
            // in its group's window (or in the group closed just then) before the next 8 s pass; counting the
            // window instead would race a group that is closing at the same moment
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> window.holds(c.eventId()) || "PENDING".equals(Announced.status(moto, c.eventId())));
            clock.advance(Duration.ofSeconds(8));
            // the close check has seen the new time: a group that was due is gone
            await().atMost(Duration.ofSeconds(10)).until(() -> window.due().isEmpty());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messages().isEmpty());
        int inFirst = made(slack.messages().get(0));
        assertTrue(inFirst >= 12 && inFirst < changes.size(),
                "closed by the window while the trickle went on: " + slack.messages().get(0).allText());

        Windows.close(window, clock, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> changes.stream()
                .allMatch(c -> "PENDING".equals(Announced.status(moto, c.eventId()))));
        assertEquals(2, slack.messages().size(), "the window's group, then the rest");
        assertEquals(changes.size(), slack.messages().stream().mapToInt(GroupingTest::made).sum(),
                "each change in exactly one message");
    }

    /** How many changes a message announces: a group's count, or 1 for a change posted alone. */
    static int made(SlackStandIn.Received message) {
        var m = java.util.regex.Pattern.compile("made \\*(\\d+) changes\\*").matcher(message.allText());
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    @Test
    void aGroupNameTooSlowToFindWhenTheChangeArrivedIsNamedOnceTheGroupCloses() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(6500, "10.50.0.0/16"));
        // EC2 answers the name lookup after sgwarden.names.max-wait (1 s): the change is held without the name
        long vpcLookups = aws.calls("DescribeVpcs");
        aws.slow("DescribeSecurityGroups", 2500);
        try {
            send(moto, c, c.record());
            Windows.holding(window, 1);
            // the lookup went on after the change was held: the group found, its VPC asked for next
            await().atMost(Duration.ofSeconds(30)).until(() -> aws.calls("DescribeVpcs") > vpcLookups);
        } finally {
            aws.slow("DescribeSecurityGroups", 0);
        }
        Windows.close(window, clock, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        String text = slack.messagesMentioning(c.eventId()).get(0).allText();
        assertTrue(text.matches("(?s).*sg-[0-9a-f-]+ \\(" + group + "\\).*"),
                "named by the time it is posted: " + text);
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
    void aHeldChangeIsTakenForAMessageOnceWhateverTheNumberOfReplicas() throws Exception {
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION,
                Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION), false, Accounts.tcp(6100, "10.4.0.0/16"));
        try (var dynamo = Aws.dynamo(moto)) {
            dynamo.putItem(b -> b.tableName(MotoResource.TABLE).item(Map.of(
                    "changeId", AttributeValue.fromS(c.eventId()), "status", AttributeValue.fromS("ANNOUNCING"),
                    "claimedAt", AttributeValue.fromN(Long.toString(Instant.now().getEpochSecond())),
                    "record", AttributeValue.fromS(c.record()))));
        }
        long due = queue.hold(c.eventId());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Boolean>> takes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                takes.add(pool.submit(() -> queue.take(c.eventId(), due)));
            }
            int won = 0;
            for (var t : takes) {
                won += t.get() ? 1 : 0;
            }
            assertEquals(1, won, "exactly one replica takes it");
        } finally {
            pool.shutdownNow();
        }
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
    void twoPrincipalsInterleavedAreTwoMessages() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        for (int i = 0; i < 3; i++) {
            Accounts.Change alice = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(7100 + i, "10.1.0.0/16"));
            Accounts.Change bob = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                    Accounts.tcp(7200 + i, "10.2.0.0/16"));
            send(moto, alice, alice.record());
            send(moto, bob, Records.calledBy(bob.record(), "AssumedRole", BOB, "terraform/1.9"));
        }
        Windows.close(window, clock, 6);
        SlackStandIn.Received byAlice = theMessageSaying("*alice* (AssumedRole) made *3 changes*");
        SlackStandIn.Received byBob = theMessageSaying("*bob* (AssumedRole) made *3 changes*");
        assertTrue(byAlice.allText().contains("7101") && !byAlice.allText().contains("7201"), byAlice.allText());
        assertTrue(byBob.allText().contains("7201") && !byBob.allText().contains("7101"), byBob.allText());
        assertEquals(2, slack.messages().size());
    }

    @Test
    void aLoneChangeLooksAsASingleChangeDoes() {
        Accounts.Change c = Accounts.openSsh(moto);
        // the 22-to-the-world policy would quarantine it: use another port
        Accounts.Change asked = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, c.groupId(), false,
                Accounts.tcp(5432, "0.0.0.0/0"));
        send(moto, asked, asked.record());
        Windows.close(window, clock, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.messagesMentioning(asked.eventId()).size() == 1);
        String text = slack.messagesMentioning(asked.eventId()).get(0).allText();
        assertTrue(text.contains("added inbound tcp 5432 from 0.0.0.0/0 to "), text);
        assertTrue(text.contains("\"sgwarden_deny\""), text);
        assertFalse(text.contains("sgwarden_group"), text);
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, asked.eventId())));
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

    @Test
    void aChangeHeldByAnInstanceThatDiedInsideTheWindowIsAnnouncedByTheTimer() {
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION,
                Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION), false, Accounts.tcp(6000, "10.3.0.0/16"));
        // stored and held, as an instance leaves it when it dies before its window closes
        try (var dynamo = Aws.dynamo(moto)) {
            long past = Instant.now().minusSeconds(5).getEpochSecond();
            dynamo.putItem(b -> b.tableName(MotoResource.TABLE).item(Map.of(
                    "changeId", AttributeValue.fromS(c.eventId()), "status", AttributeValue.fromS("ANNOUNCING"),
                    "claimedAt", AttributeValue.fromN(Long.toString(past)),
                    "record", AttributeValue.fromS(c.record()),
                    "dueShard", AttributeValue.fromS("announce"), "dueAt", AttributeValue.fromN(Long.toString(past)))));
        }
        // taken back by the due-items timer into a window of this instance, which closes as any other
        Windows.close(window, clock, 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, c.eventId())));
        Map<String, AttributeValue> item = Announced.item(moto, c.eventId());
        assertEquals("reminder", item.get("dueShard").s(), "out of the announce shard, due for its reminder");
        // the same message on the queue later is a duplicate, not a second announcement
        send(moto, c, c.record());
        await().atMost(Duration.ofSeconds(10)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
    }

    static String groupIdOf(SlackStandIn.Received message) {
        for (var block : message.json().path("blocks")) {
            for (var e : block.path("elements")) {
                if (e.path("value").asText().startsWith("group#")) {
                    return e.path("value").asText();
                }
            }
        }
        assertNull(message, "no group button");
        return null;
    }

    static void assertSome(Object o) {
        assertNotNull(o);
    }
}
