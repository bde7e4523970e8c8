package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static routes.TwoInstancesIT.*;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;

/**
 * A third replica beside TwoInstancesIT's pair takes an approval for a time and is killed (SIGKILL): the
 * approval outlives it, and the pair reverts it once at its end. Beside {@link ReplicaStopsIT}, in a class
 * of its own so that the two run side by side.
 */
class ReplicaKilledAfterApprovalIT {

    @BeforeAll
    static void startPair() throws Exception {
        startTwoInstances();
    }

    @AfterAll
    static void stopPair() {
        stop();
    }

    @Test
    void anApprovalForATimeOutlivesTheReplicaThatTookItAndIsRevertedOnce() throws Exception {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = ReplicaStopsIT.announcedByThePair(group, 3389);
        Map<String, String> config = new HashMap<>(settings);
        config.put("sgwarden.intake", "sqs");
        int port = freePort();
        Process third = ReplicaStopsIT.thirdReplica(port, config, "instance-approved");
        try {
            assertEquals(200, click(port, "sgwarden_approve_for_5s", c.eventId()));
            await().atMost(Duration.ofSeconds(10)).until(() -> "APPROVED".equals(Announced.status(moto, c.eventId())));
            third.destroyForcibly();
            assertTrue(third.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "killed");
        } finally {
            third.destroyForcibly();
        }
        moto.startRecording();
        String ruleId = c.rules().get(0).securityGroupRuleId();
        assertTrue(Accounts.ruleIds(moto, Accounts.MEMBER, Accounts.REGION, group).contains(ruleId));

        await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        assertFalse(Accounts.ruleIds(moto, Accounts.MEMBER, Accounts.REGION, group).contains(ruleId));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.messagesMentioning("expired and reverted").stream()
                .anyMatch(m -> m.allText().contains(c.eventId())));
        // both replicas kept reading the due-index meanwhile: one claim, one revoke, one message
        long runs = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(30)).until(() -> lake.finishedQueries() >= runs + 4);
        assertEquals(1, moto.recordedCalls("RevokeSecurityGroupIngress"));
        assertEquals(1, slack.messagesMentioning("expired and reverted").stream()
                .filter(m -> m.allText().contains(c.eventId())).count());
        assertEquals(1, Announced.item(moto, c.eventId()).get("history").l().stream()
                .filter(e -> e.m().containsKey("outcome") && "EXPIRED".equals(e.m().get("outcome").s())).count());
    }

}
