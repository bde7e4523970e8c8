package routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.change.OwnWrite;
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
 * Each of sgwarden's own writes, fed back as the CloudTrail record AWS would write for it (built from
 * the calls moto received and the session of the AssumeRole before them), is skipped once and never
 * announced: a Restore, a rule put back by Deny, by a quarantine and at an approval's expiry, and a
 * modification's Restore. Policies of {@link Profiles.LakePolicies}.
 */
@QuarkusTest
@TestProfile(Profiles.LakePolicies.class)
class OwnWritesFedBackTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    OwnChangeSteps steps;

    @BeforeEach
    void record() {
        steps = new OwnChangeSteps(moto, lake, slack);
        moto.startRecording();
    }

    @Test
    void aRestoreOfAQuarantinedRuleIsNotAnnouncedNorQuarantinedAgain() {
        Accounts.Change c = steps.quarantinedSsh();
        Clicks.click(OwnChangeSteps.RESTORE, c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        steps.awaitStatus(c.eventId(), "RESTORED");
        assertEquals(1, steps.worldSsh(c.groupId()).size());

        steps.assertSkippedAsOwn(steps.lastOwn("AuthorizeSecurityGroupIngress"));
        assertEquals(1, steps.worldSsh(c.groupId()).size(), "the restored rule stays: no policy saw it");
    }

    @Test
    void aModificationPutBackByDenyIsNotAnnounced() {
        Accounts.Change widened = Announced.viaLake(moto, lake, slack, steps.widened(6379));
        Clicks.click(OwnChangeSteps.DENY, widened.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        steps.awaitStatus(widened.eventId(), "REVERTED");
        assertEquals("10.0.0.0/8", steps.peerNow(widened));

        steps.assertSkippedAsOwn(steps.lastOwn("ModifySecurityGroupRules"));
    }

    @Test
    void aQuarantineThatPutsAModificationBackAndItsRestoreAreNotAnnounced() {
        Accounts.Change widened = steps.widened(22);
        lake.seed(widened.record());
        steps.awaitStatus(widened.eventId(), "QUARANTINED");
        assertEquals("10.0.0.0/8", steps.peerNow(widened));
        steps.assertSkippedAsOwn(steps.lastOwn("ModifySecurityGroupRules"));

        Clicks.click(OwnChangeSteps.RESTORE, widened.eventId(), "U0ALICE", "alice", slack.newResponseUrl())
                .expect(200);
        steps.awaitStatus(widened.eventId(), "RESTORED");
        assertEquals("0.0.0.0/0", steps.peerNow(widened));
        steps.assertSkippedAsOwn(steps.lastOwn("ModifySecurityGroupRules"));
        assertEquals("0.0.0.0/0", steps.peerNow(widened),
                "the Restore stands: the quarantine policy did not take it for a new widening");
    }

    @Test
    void anExpiryThatPutsAModificationBackIsNotAnnounced() {
        Accounts.Change widened = Announced.viaLake(moto, lake, slack, steps.widened(6379));
        Clicks.click(OwnChangeSteps.APPROVE_3S, widened.eventId(), "U0ALICE", "alice", slack.newResponseUrl())
                .expect(200);
        steps.awaitStatus(widened.eventId(), "REVERTED");
        assertEquals("10.0.0.0/8", steps.peerNow(widened));

        steps.assertSkippedAsOwn(steps.lastOwn("ModifySecurityGroupRules"));
    }

    @Test
    void aDenyOfAnAdditionIsARevokeWhichIsExpectedInTheTableThoughNeverAnnounced() {
        Accounts.Change c = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION), false,
                Accounts.tcp(443, "0.0.0.0/0")));
        Clicks.click(OwnChangeSteps.DENY, c.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        steps.awaitStatus(c.eventId(), "REVERTED");

        // revokes open nothing: member accounts do not forward them and the Lake query leaves them out;
        // the revoke was still recorded before it was made, as every write is
        OwnWrite revoke = OwnWrite.revoke(c.account(), c.region(), c.groupId(), false, "sgwarden-U0BOB-bob",
                List.of(c.rules().get(0).securityGroupRuleId()));
        Map<String, AttributeValue> item = Announced.item(moto, revoke.key());
        assertNotNull(item, "the revoke was expected");
        assertEquals("RevokeSecurityGroupIngress", item.get("eventName").s());
        assertEquals(1, item.get("windows").m().size());
        assertTrue(item.get("windows").m().values().iterator().next().m().get("cause").s().contains(c.eventId()));
    }
}
