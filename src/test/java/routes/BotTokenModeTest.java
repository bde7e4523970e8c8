package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import sgwarden.testing.Accounts;
import sgwarden.testing.LakeStandInResource;
import sgwarden.testing.Moto;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/** The second Slack mode: a bot token posting to a channel through chat.postMessage. */
@QuarkusTest
@TestProfile(Profiles.LakeBotToken.class)
class BotTokenModeTest {

    final Moto moto = Moto.start();
    final SlackStandIn slack = SlackStandInResource.slack();

    @Test
    void theAnnouncementGoesToTheChannelThroughTheWebApi() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, true,
                Accounts.udp(53, "0.0.0.0/0"));
        LakeStandInResource.lake().seed(c.record());

        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        SlackStandIn.Received posted = slack.messagesMentioning(c.eventId()).get(0);
        assertEquals("/api/chat.postMessage", posted.path());
        assertEquals("C0SECURITY", posted.json().path("channel").asText());
        String blocks = posted.json().path("blocks").toString();
        assertTrue(blocks.contains("\"action_id\":\"sgwarden_deny\"") && blocks.contains("\"confirm\""), blocks);
        // the group's name (as moto holds it) next to its ID
        assertTrue(posted.text().contains("added outbound udp 53 to 0.0.0.0/0 to ")
                && posted.text().contains(" (" + group + ") in 111111111111"), posted.text());
    }
}
