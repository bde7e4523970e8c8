package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * finished, not left stuck. An approval for a time it took is {@link ReplicaKilledAfterApprovalIT}'s.
 * Classes of their own, so that they run beside TwoInstancesIT rather than after it (each waits mostly
 * on the replicas' clocks).
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
