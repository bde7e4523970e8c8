package sgwarden.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import sgwarden.slack.SlackSignature;

/** Button clicks as Slack sends them: a block_actions payload, form-encoded and signed. */
public final class Clicks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong CLICKS = new AtomicLong();
    /** The workspace the tests' clicks come from (the one the service is pinned to). */
    public static final String TEAM = "T0SGWARDEN";

    private Clicks() {
    }

    public static String payload(String actionId, String changeId, String userId, String userName, String responseUrl) {
        return payload(actionId, changeId, userId, userName, responseUrl, TEAM);
    }

    public static String payload(String actionId, String changeId, String userId, String userName, String responseUrl,
            String teamId) {
        return payload(actionId, changeId, userId, userName, responseUrl, teamId, "sgwarden_decision");
    }

    /** A click on a button in the block with this block_id (a group message's blocks name the group). */
    public static String payload(String actionId, String changeId, String userId, String userName, String responseUrl,
            String teamId, String blockId) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "block_actions");
        p.putObject("user").put("id", userId).put("username", userName).put("name", userName)
                .put("team_id", teamId);
        p.putObject("team").put("id", teamId).put("domain", "sgwarden");
        p.putObject("channel").put("id", "C0SGWARDEN").put("name", "security-changes");
        p.putObject("container").put("type", "message").put("message_ts", "1732790000.000100")
                .put("channel_id", "C0SGWARDEN");
        p.put("api_app_id", "A0SGWARDEN");
        // each real click carries its own trigger_id and action_ts, so two clicks are never the same signed request
        long click = CLICKS.incrementAndGet();
        p.put("trigger_id", "1.2." + click);
        p.put("response_url", responseUrl);
        ObjectNode action = p.putArray("actions").addObject();
        action.put("action_id", actionId);
        action.put("block_id", blockId);
        action.put("value", changeId);
        action.put("type", "button");
        action.put("action_ts", String.format(Locale.ROOT, "1732790001.%06d", click % 1_000_000));
        return p.toString();
    }

    public static String form(String payload) {
        return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
    }

    /** The service's answer. */
    public record Reply(int status, String body) {
        public Reply expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected HTTP " + expected + " but got " + status + ": " + body);
            }
            return this;
        }

        public Reply saying(String text) {
            if (!body.contains(text)) {
                throw new AssertionError("expected the answer to say '" + text + "' but it said: " + body);
            }
            return this;
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static String url() {
        return ConfigProvider.getConfig().getValue("test.url", String.class) + "/slack/interactions";
    }

    /** The exact bytes given are sent: Slack signs the raw body. */
    public static Reply send(String body, long timestamp, String signature) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(StandardCharsets.UTF_8)));
        if (timestamp > 0) {
            request.header("X-Slack-Request-Timestamp", Long.toString(timestamp));
        }
        if (signature != null) {
            request.header("X-Slack-Signature", signature);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed with the test signing secret, now: as the service's clock tells it, as Slack's would. */
    public static Reply signed(String body) {
        long now = MovableClock.now().getEpochSecond();
        return send(body, now, SlackSignature.sign(SlackStandInResource.SIGNING_SECRET, Long.toString(now),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    public static Reply click(String actionId, String changeId, String userId, String userName, String responseUrl) {
        return signed(form(payload(actionId, changeId, userId, userName, responseUrl)));
    }

    /** A click on the button with this action_id in a posted message, as Slack would send it (value, block_id). */
    public static Reply clickIn(SlackStandIn.Received message, String actionId, String userId, String userName,
            String responseUrl) {
        for (com.fasterxml.jackson.databind.JsonNode block : message.json().path("blocks")) {
            List<com.fasterxml.jackson.databind.JsonNode> buttons = new java.util.ArrayList<>();
            block.path("elements").forEach(buttons::add);
            if (block.has("accessory")) {
                buttons.add(block.path("accessory"));
            }
            for (com.fasterxml.jackson.databind.JsonNode button : buttons) {
                if (actionId.equals(button.path("action_id").asText())) {
                    return signed(form(payload(actionId, button.path("value").asText(), userId, userName, responseUrl,
                            TEAM, block.path("block_id").asText())));
                }
            }
        }
        throw new AssertionError("no button " + actionId + " in " + message.allText());
    }

    /** The action IDs of the buttons a posted message offers. */
    public static List<String> buttons(SlackStandIn.Received message) {
        List<String> out = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode block : message.json().path("blocks")) {
            block.path("elements").forEach(e -> {
                if (e.has("action_id")) {
                    out.add(e.path("action_id").asText());
                }
            });
            if (block.path("accessory").has("action_id")) {
                out.add(block.path("accessory").path("action_id").asText());
            }
        }
        return out;
    }
}
