package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import sgwarden.testing.Accounts;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Profiles;
import sgwarden.testing.Queue;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;

/** With both intakes on, one change seen by the Lake and by SQS is announced once. */
@QuarkusTest
@TestProfile(Profiles.Both.class)
class BothIntakesTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    @Test
    void theSameEventFromTheLakeAndFromSqsIsAnnouncedOnce() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(22, "0.0.0.0/0"));
        Queue.send(moto, Records.envelope(c.record(), c.account(), c.region()));
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(20)).until(() -> Queue.depth(moto, MotoResource.QUEUE) == 0);
        long runs = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(20)).until(() -> lake.finishedQueries() >= runs + 2);
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
    }
}
