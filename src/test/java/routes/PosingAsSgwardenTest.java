package routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
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
 * An insider takes sgwarden's names: a session named sgwarden-… on the real spoke role, a role named
 * sgwarden-spoke in their own account, a replay of sgwarden's own call. Each is announced with a
 * warning and the policies act on it. And the expectations live in the table: one recorded by an
 * instance that is gone (a restart) is recognized, one consumed by another replica is not again.
 */
@QuarkusTest
@TestProfile(Profiles.LakePolicies.class)
class PosingAsSgwardenTest {

    static final String SPOKE = OwnRecords.SPOKE_ROLE;

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;
    @Inject
    Settings settings;

    OwnChangeSteps steps;

    @BeforeEach
    void record() {
        steps = new OwnChangeSteps(moto, lake, slack);
        moto.startRecording();
    }

    static String spoke(String account, String session) {
        return "arn:aws:sts::" + account + ":assumed-role/" + SPOKE + "/" + session;
    }

    /** tcp 22 from the world: the form an Authorize of sgwarden's Restore adds back. */
    static OwnWrite restoredSsh(String groupId, String session) {
        return OwnWrite.authorize(Accounts.MEMBER, Accounts.REGION, groupId, false, session,
                List.of(new Rule(null, "tcp", 22, 22, new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null), null)));
    }

    @Test
    void aForeignSessionOnTheRealSpokeRoleIsAnnouncedWithAWarningAndQuarantined() {
        Accounts.Change made = Accounts.openSsh(moto);
        String posing = "sgwarden_changes_posing_total{as=\"spoke-role\",intake=\"lake\"}";
        double before = DetectionScenariosTest.metric(posing);
        lake.seed(Records.calledBy(made.record(), "AssumedRole", spoke(Accounts.MEMBER, "sgwarden-anything"),
                "aws-cli/2.15.0"));

        String text = steps.message(made.eventId()).allText();
        steps.awaitStatus(made.eventId(), "QUARANTINED");
        assertTrue(text.contains(OwnChangeSteps.THROUGH_SPOKE_ROLE), text);
        assertTrue(text.contains("session `sgwarden-anything`"), text);
        assertTrue(text.contains("Quarantined by policy *ssh-open-to-world*"), text);
        assertTrue(steps.worldSsh(made.groupId()).isEmpty(), "the policy removed the rule");
        assertEquals(before + 1, DetectionScenariosTest.metric(posing));
    }

    @Test
    void aRoleNamedLikeTheSpokeRoleElsewhereDoesNotPassForSgwardensOwnRestore() {
        Accounts.Change c = steps.quarantinedSsh();
        Clicks.click(OwnChangeSteps.RESTORE, c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        steps.awaitStatus(c.eventId(), "RESTORED");
        OwnRecords.Write own = steps.lastOwn("AuthorizeSecurityGroupIngress");
        assertEquals("sgwarden-U0BOB-bob", own.sessionName());

        // the same call and session name, from a role named sgwarden-spoke in the insider's own account
        OwnRecords.Write spoof = own.replayed();
        lake.seed(Records.calledBy(spoof.record(), "AssumedRole", spoke(Accounts.CALLER, "sgwarden-U0BOB-bob"),
                "aws-cli/2.15.0"));

        String text = steps.message(spoof.eventId()).allText();
        assertTrue(text.contains(OwnChangeSteps.NAMED_LIKE), text);
        assertTrue(text.contains("in account " + Accounts.CALLER), text);
        steps.awaitStatus(spoof.eventId(), "QUARANTINED");
        assertTrue(steps.worldSsh(c.groupId()).isEmpty(), "the policy acted on it");
        // the spoof consumed nothing: sgwarden's own Restore, when its record comes, is still recognized
        steps.assertSkippedAsOwn(own);
    }

    @Test
    void anInsiderReplayingSgwardensOwnWriteIsAnnouncedTheSecondTime() {
        Accounts.Change c = steps.quarantinedSsh();
        Clicks.click(OwnChangeSteps.RESTORE, c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        steps.awaitStatus(c.eventId(), "RESTORED");
        OwnRecords.Write own = steps.lastOwn("AuthorizeSecurityGroupIngress");
        steps.assertSkippedAsOwn(own);

        // the insider, through the spoke role under the same session name, makes the very same call again
        OwnRecords.Write replay = own.replayed();
        lake.seed(replay.record());

        String text = steps.message(replay.eventId()).allText();
        assertTrue(text.contains(OwnChangeSteps.THROUGH_SPOKE_ROLE), text);
        assertTrue(text.contains("session `sgwarden-U0ALICE-alice`"), text);
        assertTrue(text.contains("Quarantined by policy *ssh-open-to-world*"), text);
        steps.awaitStatus(replay.eventId(), "QUARANTINED");
        assertTrue(steps.worldSsh(c.groupId()).isEmpty(), "the policy acted on the replay");
    }

    @Test
    void anExpectationRecordedByAnInstanceThatIsGoneIsRecognizedAfterARestart() {
        // an instance that is gone now recorded a put-back and made it; its event comes after the restart
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change added = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(6379, "10.0.0.0/8"));
        String ruleId = added.rules().get(0).securityGroupRuleId();
        try (DynamoDbClient dynamo = Aws.dynamo(moto)) {
            new Expectations(dynamo, settings, Clock.systemUTC()).expect(
                    OwnWrite.modify(Accounts.MEMBER, Accounts.REGION, group,
                            "sgwarden-U0BOB-bob", Map.of(ruleId, new Rule(ruleId, "tcp", 6379, 6379,
                                    new Peer(Peer.Kind.IPV4_CIDR, "192.0.2.0/24", null), null))),
                    "revert of change before-the-restart");
        }
        Accounts.Change putBack = Accounts.modify(moto, Accounts.MEMBER, Accounts.REGION, group,
                Map.of(ruleId, Accounts.tcpForm(6379, "192.0.2.0/24", null)));
        String principal = spoke(Accounts.MEMBER, "sgwarden-U0BOB-bob");

        steps.assertSkippedAsOwn(new OwnRecords.Write(putBack.eventId(), principal, "sgwarden-U0BOB-bob", group,
                Records.calledBy(putBack.record(), "AssumedRole", principal, "aws-sdk-java/2 sgwarden")));
    }

    @Test
    void sgwardensExpectationIsFoundByAnyInstanceAndConsumedOnce() {
        Accounts.Change c = steps.quarantinedSsh();
        Clicks.click(OwnChangeSteps.RESTORE, c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        steps.awaitStatus(c.eventId(), "RESTORED");
        OwnRecords.Write own = steps.lastOwn("AuthorizeSecurityGroupIngress");
        OwnWrite shown = restoredSsh(c.groupId(), own.sessionName());

        // a replica that never saw the write (a new instance, its own client) finds it in the table
        try (DynamoDbClient dynamo = Aws.dynamo(moto)) {
            Expectations other = new Expectations(dynamo, settings, Clock.systemUTC());
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
        assertTrue(steps.message(replay.eventId()).allText().contains(OwnChangeSteps.THROUGH_SPOKE_ROLE));
        steps.awaitStatus(replay.eventId(), "QUARANTINED");
    }

    @Test
    void onlyAnEventDatedInsideTheWritesWindowMatches() {
        Accounts.Change c = steps.quarantinedSsh();
        Clicks.click(OwnChangeSteps.RESTORE, c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        steps.awaitStatus(c.eventId(), "RESTORED");
        OwnRecords.Write own = steps.lastOwn("AuthorizeSecurityGroupIngress");
        OwnWrite shown = restoredSsh(c.groupId(), own.sessionName());
        try (DynamoDbClient dynamo = Aws.dynamo(moto)) {
            Expectations other = new Expectations(dynamo, settings, Clock.systemUTC());
            Instant late = Instant.now().plus(settings.revert().expectationTtl()).plusSeconds(90);
            assertNull(other.consume(shown, own.eventId(), late), "dated past the deadline");
            assertNull(other.consume(shown, own.eventId(), Instant.now().minus(Duration.ofMinutes(5))),
                    "dated before the write");
        }
        // in time it still matches: the tries above consumed nothing
        steps.assertSkippedAsOwn(own);
        assertEquals(1, steps.worldSsh(c.groupId()).size(), "the restored rule stays");
        assertNull(Announced.status(moto, own.eventId()));
    }
}
