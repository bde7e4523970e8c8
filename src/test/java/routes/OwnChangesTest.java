package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

import sgwarden.change.OwnWrite;
import sgwarden.change.Peer;
import sgwarden.change.Rule;
import sgwarden.config.Settings;
import sgwarden.store.Expectations;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.OwnRecords;
import sgwarden.testing.Profiles;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;

/**
 * sgwarden's own changes are recognized by what it did, not by a name anyone can take: each of its
 * writes, fed back as the CloudTrail record AWS would write for it (built from what moto received),
 * is skipped once; a session or role named like sgwarden's is announced with a warning, and the
 * policies act on it; a replay is announced. Policies of {@link Profiles.LakePolicies}: 22 open to
 * the world is quarantined, 6379 asked about.
 */
@QuarkusTest
@TestProfile(Profiles.LakePolicies.class)
class OwnChangesTest {

    static final String DENY = "sgwarden_deny";
    static final String RESTORE = "sgwarden_restore";
    static final String APPROVE_3S = "sgwarden_approve_for_3s";
    static final String SPOKE = OwnRecords.SPOKE_ROLE;
    static final String OWN_WRITE = "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"own-write\"}";
    static final String THROUGH_SPOKE_ROLE = "Made through sgwarden's own role, but not by sgwarden";
    static final String NAMED_LIKE = "Named like sgwarden, but not made by sgwarden";

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;
    @Inject
    Settings settings;

    @BeforeEach
    void record() {
        moto.startRecording();
    }

    SlackStandIn.Received message(String eventId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(eventId).isEmpty());
        return slack.messagesMentioning(eventId).get(0);
    }

    void awaitStatus(String eventId, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(Announced.status(moto, eventId)));
    }

    /** Fed to the Lake: skipped as sgwarden's own once, and never announced, however often the Lake reads it. */
    void assertSkippedAsOwn(OwnRecords.Write own) {
        double before = DetectionScenariosTest.metric(OWN_WRITE);
        lake.seed(own.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> DetectionScenariosTest.metric(OWN_WRITE) == before + 1);
        // the Lake's windows overlap: the same event is read again every 300 ms, and is still not announced
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> slack.messagesMentioning(own.eventId()).isEmpty());
        assertEquals(before + 1, DetectionScenariosTest.metric(OWN_WRITE), "recognized once, read again as such");
        assertNull(Announced.status(moto, own.eventId()), "not in the ledger as a change");
    }

    /** A group with tcp 6379 from 10.0.0.0/8, announced (so its form is known), then widened to the world. */
    Accounts.Change widenedRedis() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change added = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(6379, "10.0.0.0/8")));
        String ruleId = added.rules().get(0).securityGroupRuleId();
        return Announced.viaLake(moto, lake, slack, Accounts.modify(moto, added.account(), added.region(), group,
                Map.of(ruleId, Accounts.tcpForm(6379, "0.0.0.0/0", null))));
    }

    /** A group opened to the world on 22/tcp and quarantined by policy at once. */
    Accounts.Change quarantinedSsh() {
        Accounts.Change c = Accounts.openSsh(moto);
        lake.seed(c.record());
        awaitStatus(c.eventId(), "QUARANTINED");
        return c;
    }

    List<SecurityGroupRule> worldSsh(String groupId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, Accounts.MEMBER, Accounts.REGION)) {
            return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(groupId)))
                    .securityGroupRules().stream()
                    .filter(r -> !r.isEgress() && Integer.valueOf(22).equals(r.fromPort())
                            && "0.0.0.0/0".equals(r.cidrIpv4()))
                    .toList();
        }
    }

    String redisPeer(Accounts.Change widened) {
        return Accounts.rule(moto, widened.account(), widened.region(), widened.groupId(), ruleOf(widened))
                .cidrIpv4();
    }

    String ruleOf(Accounts.Change widened) {
        return Announced.item(moto, widened.eventId()).get("ruleIds").l().get(0).s();
    }

    // --- a name proves nothing ---

    @Test
    void aForeignSessionOnTheRealSpokeRoleIsAnnouncedWithAWarningAndQuarantined() {
        Accounts.Change made = Accounts.openSsh(moto);
        String insider = "arn:aws:sts::" + Accounts.MEMBER + ":assumed-role/" + SPOKE + "/sgwarden-anything";
        String record = Records.calledBy(made.record(), "AssumedRole", insider, "aws-cli/2.15.0");
        double posing = DetectionScenariosTest.metric(
                "sgwarden_changes_posing_total{as=\"spoke-role\",intake=\"lake\"}");
        lake.seed(record);

        String text = message(made.eventId()).allText();
        awaitStatus(made.eventId(), "QUARANTINED");
        assertTrue(text.contains(THROUGH_SPOKE_ROLE), text);
        assertTrue(text.contains("session `sgwarden-anything`"), text);
        assertTrue(text.contains("Quarantined by policy *ssh-open-to-world*"), text);
        assertTrue(worldSsh(made.groupId()).isEmpty(), "the policy removed the rule");
        assertEquals(posing + 1, DetectionScenariosTest.metric(
                "sgwarden_changes_posing_total{as=\"spoke-role\",intake=\"lake\"}"));
    }

    @Test
    void aRoleNamedLikeTheSpokeRoleElsewhereDoesNotPassForSgwardensOwnRestore() {
        Accounts.Change c = quarantinedSsh();
        Clicks.click(RESTORE, c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        awaitStatus(c.eventId(), "RESTORED");
        OwnRecords.Write own = OwnRecords.last(moto, "AuthorizeSecurityGroupIngress", Accounts.MEMBER,
                Accounts.REGION);
        assertEquals("sgwarden-U0BOB-bob", own.sessionName());

        // the same call and session name, from a role named sgwarden-spoke in the insider's own account
        OwnRecords.Write spoof = own.replayed();
        String lookalike = "arn:aws:sts::" + Accounts.CALLER + ":assumed-role/" + SPOKE + "/sgwarden-U0BOB-bob";
        lake.seed(Records.calledBy(spoof.record(), "AssumedRole", lookalike, "aws-cli/2.15.0"));

        String text = message(spoof.eventId()).allText();
        assertTrue(text.contains(NAMED_LIKE), text);
        assertTrue(text.contains("in account " + Accounts.CALLER), text);
        awaitStatus(spoof.eventId(), "QUARANTINED");
        assertTrue(worldSsh(c.groupId()).isEmpty(), "the policy acted on it");
        // the spoof consumed nothing: sgwarden's own Restore, when its record comes, is still recognized
        assertSkippedAsOwn(own);
    }

    // --- each of sgwarden's own writes, fed back ---

    @Test
    void aRestoreOfAQuarantinedRuleIsNotAnnouncedNorQuarantinedAgain() {
        Accounts.Change c = quarantinedSsh();
        Clicks.click(RESTORE, c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        awaitStatus(c.eventId(), "RESTORED");
        assertEquals(1, worldSsh(c.groupId()).size());

        assertSkippedAsOwn(OwnRecords.last(moto, "AuthorizeSecurityGroupIngress", Accounts.MEMBER, Accounts.REGION));
        assertEquals(1, worldSsh(c.groupId()).size(), "the restored rule stays: no policy saw it");
    }

    @Test
    void aModificationPutBackByDenyIsNotAnnounced() {
        Accounts.Change widened = widenedRedis();
        Clicks.click(DENY, widened.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        awaitStatus(widened.eventId(), "REVERTED");
        assertEquals("10.0.0.0/8", redisPeer(widened));

        assertSkippedAsOwn(OwnRecords.last(moto, "ModifySecurityGroupRules", Accounts.MEMBER, Accounts.REGION));
    }

    @Test
    void aQuarantineThatPutsAModificationBackAndItsRestoreAreNotAnnounced() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change added = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(22, "10.0.0.0/8")));
        String ruleId = added.rules().get(0).securityGroupRuleId();
        Accounts.Change widened = Accounts.modify(moto, added.account(), added.region(), group,
                Map.of(ruleId, Accounts.tcpForm(22, "0.0.0.0/0", null)));
        lake.seed(widened.record());
        awaitStatus(widened.eventId(), "QUARANTINED");
        assertSkippedAsOwn(OwnRecords.last(moto, "ModifySecurityGroupRules", Accounts.MEMBER, Accounts.REGION));

        Clicks.click(RESTORE, widened.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        awaitStatus(widened.eventId(), "RESTORED");
        assertEquals("0.0.0.0/0", Accounts.rule(moto, added.account(), added.region(), group, ruleId).cidrIpv4());
        assertSkippedAsOwn(OwnRecords.last(moto, "ModifySecurityGroupRules", Accounts.MEMBER, Accounts.REGION));
        assertEquals("0.0.0.0/0", Accounts.rule(moto, added.account(), added.region(), group, ruleId).cidrIpv4(),
                "the Restore stands: the quarantine policy did not see it as a new widening");
    }

    @Test
    void anExpiryThatPutsAModificationBackIsNotAnnounced() {
        Accounts.Change widened = widenedRedis();
        Clicks.click(APPROVE_3S, widened.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        awaitStatus(widened.eventId(), "REVERTED");
        assertEquals("10.0.0.0/8", redisPeer(widened));

        assertSkippedAsOwn(OwnRecords.last(moto, "ModifySecurityGroupRules", Accounts.MEMBER, Accounts.REGION));
    }

    @Test
    void aDenyOfAnAdditionIsARevokeWhichIsExpectedInTheTableThoughNeverAnnounced() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION), false,
                Accounts.tcp(443, "0.0.0.0/0")));
        Clicks.click(DENY, c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        awaitStatus(c.eventId(), "REVERTED");

        // revokes open nothing: the member accounts do not forward them and the Lake query leaves them out
        OwnWrite revoke = OwnWrite.revoke(c.account(), c.region(), c.groupId(), false, "sgwarden-U0BOB-bob",
                List.of(c.rules().get(0).securityGroupRuleId()));
        Map<String, AttributeValue> item = Announced.item(moto, revoke.key());
        assertNotNull(item, "the revoke was recorded before it was made");
        assertEquals("RevokeSecurityGroupIngress", item.get("eventName").s());
        assertEquals(1, item.get("windows").m().size());
        assertTrue(item.get("windows").m().values().iterator().next().m().get("cause").s()
                .contains(c.eventId()));
    }

    // --- replays ---

    @Test
    void anInsiderReplayingSgwardensOwnWriteIsAnnouncedTheSecondTime() {
        Accounts.Change c = quarantinedSsh();
        Clicks.click(RESTORE, c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        awaitStatus(c.eventId(), "RESTORED");
        OwnRecords.Write own = OwnRecords.last(moto, "AuthorizeSecurityGroupIngress", Accounts.MEMBER,
                Accounts.REGION);
        assertSkippedAsOwn(own);

        // the insider, through the spoke role under the same session name, makes the very same call again
        OwnRecords.Write replay = own.replayed();
        lake.seed(replay.record());

        String text = message(replay.eventId()).allText();
        assertTrue(text.contains(THROUGH_SPOKE_ROLE), text);
        assertTrue(text.contains("session `sgwarden-U0ALICE-alice`"), text);
        assertTrue(text.contains("Quarantined by policy *ssh-open-to-world*"), text);
        awaitStatus(replay.eventId(), "QUARANTINED");
        assertTrue(worldSsh(c.groupId()).isEmpty(), "the policy acted on the replay");
    }

    // --- the expectation is in the table, not in an instance ---

    @Test
    void anExpectationRecordedByAnotherInstanceIsRecognizedAfterARestart() {
        // an instance that is gone now recorded a put-back, made it, and stopped before its event came
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change added = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(6379, "10.0.0.0/8")));
        String ruleId = added.rules().get(0).securityGroupRuleId();
        try (DynamoDbClient dynamo = Aws.dynamo(moto)) {
            Expectations gone = new Expectations(dynamo, settings);
            gone.expect(OwnWrite.modify(Accounts.MEMBER, Accounts.REGION, group, "sgwarden-U0BOB-bob",
                    Map.of(ruleId, new Rule(ruleId, "tcp", 6379, 6379, new Peer(Peer.Kind.IPV4_CIDR,
                            "192.0.2.0/24", null), null))),
                    "revert of change before-the-restart");
        }
        Accounts.Change putBack = Accounts.modify(moto, Accounts.MEMBER, Accounts.REGION, group,
                Map.of(ruleId, Accounts.tcpForm(6379, "192.0.2.0/24", null)));
        String spoke = "arn:aws:sts::" + Accounts.MEMBER + ":assumed-role/" + SPOKE + "/sgwarden-U0BOB-bob";
        OwnRecords.Write own = new OwnRecords.Write(putBack.eventId(), spoke, "sgwarden-U0BOB-bob", group,
                Records.calledBy(putBack.record(), "AssumedRole", spoke, "aws-sdk-java/2 sgwarden"));

        assertSkippedAsOwn(own);
    }

    @Test
    void sgwardensExpectationIsFoundByAnyInstanceAndConsumedOnce() {
        Accounts.Change c = quarantinedSsh();
        Clicks.click(RESTORE, c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        awaitStatus(c.eventId(), "RESTORED");
        OwnRecords.Write own = OwnRecords.last(moto, "AuthorizeSecurityGroupIngress", Accounts.MEMBER,
                Accounts.REGION);
        OwnWrite shown = OwnWrite.authorize(Accounts.MEMBER, Accounts.REGION, c.groupId(), false, own.sessionName(),
                List.of(new Rule(null, "tcp", 22, 22, new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null), null)));

        // a replica that never saw the write (a new instance, its own client) finds it in the table
        try (DynamoDbClient dynamo = Aws.dynamo(moto)) {
            Expectations other = new Expectations(dynamo, settings);
            OwnWrite.Recognized found = other.consume(shown, own.eventId(), Instant.now());
            assertNotNull(found, "the expectation is in the table");
            assertTrue(found.expected().contains("restore of change " + c.eventId()), found.expected());
            assertFalse(found.again());
            // the same event read again is recognized again; another event with the same content is not
            assertTrue(other.consume(shown, own.eventId(), Instant.now()).again());
            assertNull(other.consume(shown, "another-event", Instant.now()));
        }
        // consumed there, so the service, handed the same call as another event, announces it
        OwnRecords.Write replay = own.replayed();
        lake.seed(replay.record());
        assertTrue(message(replay.eventId()).allText().contains(THROUGH_SPOKE_ROLE));
        awaitStatus(replay.eventId(), "QUARANTINED");
    }

    @Test
    void anEventDatedOutsideTheWriteWindowIsNotSgwardens() {
        Accounts.Change widened = widenedRedis();
        Clicks.click(DENY, widened.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        awaitStatus(widened.eventId(), "REVERTED");
        OwnRecords.Write own = OwnRecords.last(moto, "ModifySecurityGroupRules", Accounts.MEMBER, Accounts.REGION);
        // the same call, dated after the window (expectation-ttl, 15 minutes) ends
        Instant late = Instant.now().plus(settings.revert().expectationTtl()).plusSeconds(90);
        String record = own.record().replaceFirst("\"eventTime\":\"[^\"]+\"", "\"eventTime\":\"" + late + "\"");
        assertTrue(record.contains(late.toString()));
        try (DynamoDbClient dynamo = Aws.dynamo(moto)) {
            Expectations other = new Expectations(dynamo, settings);
            String ruleId = ruleOf(widened);
            OwnWrite shown = OwnWrite.modify(Accounts.MEMBER, Accounts.REGION, widened.groupId(), own.sessionName(),
                    Map.of(ruleId, new Rule(ruleId, "tcp", 6379, 6379,
                            new Peer(Peer.Kind.IPV4_CIDR, "10.0.0.0/8", null), null)));
            assertNull(other.consume(shown, own.eventId(), late), "past the deadline");
            assertNull(other.consume(shown, own.eventId(), Instant.now().minus(Duration.ofMinutes(5))),
                    "before the write");
        }
        // and in time it is still open: nothing above consumed it
        assertSkippedAsOwn(own);
    }
}
