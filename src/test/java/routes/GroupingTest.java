package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Profiles;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.Windows;

/** Bursts: one principal's changes in one account within the window arrive as one message people can act on. */
@QuarkusTest
@TestProfile(Profiles.SqsGrouped.class)
class GroupingTest extends GroupBursts {

    @Test
    void anApplyThatPausesForLessThanTheQuietGapIsOneMessage() {
        List<String> groups = groups(6);
        List<Accounts.Change> changes = burst(groups, 12);
        changes.subList(0, 6).forEach(c -> send(moto, c, c.record()));
        Windows.holding(window, 6);
        // the apply pauses 5 s (a slow resource), then goes on: the group stays open
        clock.advance(Duration.ofSeconds(5));
        changes.subList(6, 12).forEach(c -> send(moto, c, c.record()));
        Windows.close(window, clock, 12);

        SlackStandIn.Received message = theMessageSaying("made 12 changes");
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

}
