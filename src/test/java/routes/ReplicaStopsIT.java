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
import sgwarden.testing.FaultyAws;

/**
 * A third replica beside TwoInstancesIT's pair, stopped while it works: a revert it had under way is
 * finished, not left stuck, and an approval for a time it took outlives it and is reverted once. A
 * class of its own, so that it runs beside TwoInstancesIT rather than after it (each waits mostly on
 * the replicas' clocks).
 */
class ReplicaStopsIT {

    @BeforeAll
    static void startPair() throws Exception {
        startTwoInstances();
    }

    @AfterAll
    static void stopPair() {
        stop();
    }

    @Test
    void aRevertUnderWayWhenTheServiceStopsIsFinishedNotLeftStuck() throws Exception {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = announcedByThePair(group, 2222);
        // a third replica whose EC2 answers slowly, so the revert is still running when it is stopped
        FaultyAws slowAws = new FaultyAws(moto.endpoint());
        slowAws.slow("RevokeSecurityGroupIngress", 4000);
        Map<String, String> config = new HashMap<>(settings);
        config.put("sgwarden.aws.endpoint-override", slowAws.endpoint());
        config.put("sgwarden.intake", "sqs");
        int port = freePort();
        Process third = thirdReplica(port, config, "instance-stopped");
        try {
            assertEquals(200, deny(port, c.eventId()));
            await().atMost(Duration.ofSeconds(10)).until(() -> "REVERTING".equals(Announced.status(moto, c.eventId())));

            third.destroy();
            assertTrue(third.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "stopped");
            assertNoErrorLogged("instance-stopped");

            String status = Announced.status(moto, c.eventId());
            assertTrue(status.equals("REVERTED") || status.equals("REVERT_FAILED"), status);
        } finally {
            third.destroyForcibly();
        }
    }

    @Test
    void anApprovalForATimeOutlivesTheReplicaThatTookItAndIsRevertedOnce() throws Exception {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = announcedByThePair(group, 3389);
        Map<String, String> config = new HashMap<>(settings);
        config.put("sgwarden.intake", "sqs");
        int port = freePort();
        Process third = thirdReplica(port, config, "instance-approved");
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

    /** A change opening this port to the world in the group, announced by the pair (PENDING). */
    static Accounts.Change announcedByThePair(String group, int port) {
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(port, "0.0.0.0/0"));
        lake.seed(c.record());
        await().atMost(Duration.ofSeconds(60)).until(() -> "PENDING".equals(Announced.status(moto, c.eventId())));
        return c;
    }

    /** A third replica with these settings, once it is ready; not left running if it never is. */
    static Process thirdReplica(int port, Map<String, String> config, String name) throws Exception {
        Process third = launch(port, config, name);
        try {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ready(port));
            return third;
        } catch (RuntimeException e) {
            third.destroyForcibly();
            throw e;
        }
    }
}
