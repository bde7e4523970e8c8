package sgwarden.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import sgwarden.slack.SlackSignature;

/** Button clicks as Slack sends them: a block_actions payload, form-encoded and signed. */
public final class Clicks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Clicks() {
    }

    public static String payload(String actionId, String changeId, String userId, String userName, String responseUrl) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "block_actions");
        p.putObject("user").put("id", userId).put("username", userName).put("name", userName)
                .put("team_id", "T0SGWARDEN");
        p.putObject("team").put("id", "T0SGWARDEN").put("domain", "sgwarden");
        p.putObject("channel").put("id", "C0SGWARDEN").put("name", "security-changes");
        p.putObject("container").put("type", "message").put("message_ts", "1732790000.000100")
                .put("channel_id", "C0SGWARDEN");
        p.put("api_app_id", "A0SGWARDEN");
        p.put("trigger_id", "1.2.3");
        p.put("response_url", responseUrl);
        ObjectNode action = p.putArray("actions").addObject();
        action.put("action_id", actionId);
        action.put("block_id", "sgwarden_decision");
        action.put("value", changeId);
        action.put("type", "button");
        action.put("action_ts", "1732790001.000200");
        return p.toString();
    }

    public static String form(String payload) {
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    public static Response send(String body, long timestamp, String signature) {
        var request = RestAssured.given().contentType("application/x-www-form-urlencoded; charset=utf-8")
                .body(body.getBytes(StandardCharsets.UTF_8));
        if (timestamp > 0) {
            request.header("X-Slack-Request-Timestamp", Long.toString(timestamp));
        }
        if (signature != null) {
            request.header("X-Slack-Signature", signature);
        }
        return request.post("/slack/interactions");
    }

    /** Signed with the test signing secret, now. */
    public static Response signed(String body) {
        long now = Instant.now().getEpochSecond();
        return send(body, now, SlackSignature.sign(SlackStandInResource.SIGNING_SECRET, Long.toString(now),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    public static Response click(String actionId, String changeId, String userId, String userName, String responseUrl) {
        return signed(form(payload(actionId, changeId, userId, userName, responseUrl)));
    }
}
