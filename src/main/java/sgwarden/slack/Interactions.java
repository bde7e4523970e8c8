package sgwarden.slack;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.config.Settings;
import sgwarden.store.GroupStore;

/**
 * Reads a verified block_actions request (form field "payload" holding JSON) into a {@link Decision}.
 * Anything that is not exactly one click on one of our buttons is refused with the reason.
 */
@ApplicationScoped
@Named("interactions")
public class Interactions {

    private static final int MAX_CHANGE_ID = 256;

    @Inject
    Settings settings;
    @Inject
    ObjectMapper json;

    @Inject
    Clock clock;

    public Decision parse(@Body byte[] body, org.apache.camel.Exchange exchange) {
        String payload = formField(new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8), "payload");
        if (payload == null) {
            throw new BadInteractionException("the request has no payload field");
        }
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (Exception e) {
            throw new BadInteractionException("the payload is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new BadInteractionException("the payload is not a JSON object");
        }
        if (!"block_actions".equals(root.path("type").asText())) {
            throw new BadInteractionException("unsupported payload type '" + root.path("type").asText() + "'");
        }
        String userId = required(root.path("user"), "id", "user.id");
        String userName = root.path("user").hasNonNull("username") ? root.path("user").path("username").asText()
                : root.path("user").path("name").asText(null);
        String teamId = root.path("team").hasNonNull("id") ? root.path("team").path("id").asText()
                : root.path("user").path("team_id").asText(null);
        String responseUrl = required(root, "response_url", "response_url");
        if (!responseUrl.startsWith(settings.slack().responseUrlPrefix())) {
            throw new BadInteractionException("response_url is not a Slack URL");
        }
        JsonNode actions = root.path("actions");
        if (!actions.isArray() || actions.size() != 1) {
            throw new BadInteractionException("expected exactly one action, got "
                    + (actions.isArray() ? actions.size() : "none"));
        }
        JsonNode action = actions.get(0);
        String actionId = required(action, "action_id", "actions[0].action_id");
        String changeId = required(action, "value", "actions[0].value");
        if (changeId.length() > MAX_CHANGE_ID) {
            // ours are CloudTrail event IDs (UUIDs); DynamoDB refuses a key over 2048 bytes, which would be a 500
            throw new BadInteractionException("actions[0].value is not a change id");
        }
        Decision.Kind kind = switch (actionId) {
            case SlackMessages.APPROVE -> Decision.Kind.APPROVE;
            case SlackMessages.DENY -> Decision.Kind.DENY;
            case PolicyMessages.RESTORE -> Decision.Kind.RESTORE;
            case PolicyMessages.KEEP_OFF -> Decision.Kind.KEEP_OFF;
            case GroupButtons.APPROVE_ALL -> Decision.Kind.APPROVE_ALL;
            case GroupButtons.DENY_ALL -> Decision.Kind.DENY_ALL;
            case GroupButtons.DENY_FAILED -> Decision.Kind.DENY_FAILED;
            case GroupButtons.ONE_BY_ONE -> Decision.Kind.ONE_BY_ONE;
            case PlumbingMessages.ACKNOWLEDGE -> Decision.Kind.ACKNOWLEDGE;
            default -> actionId.startsWith(SlackMessages.APPROVE_FOR) ? Decision.Kind.APPROVE
                    : actionId.startsWith(GroupButtons.APPROVE_ALL_FOR) ? Decision.Kind.APPROVE_ALL
                            : actionId.startsWith(Decision.EXTEND_FOR) ? Decision.Kind.EXTEND
                                    : actionId.startsWith(GroupButtons.EXTEND_ALL_FOR) ? Decision.Kind.EXTEND_ALL
                                            : null;
        };
        if (actionId.startsWith(SlackMessages.APPROVE_FOR) || actionId.startsWith(GroupButtons.APPROVE_ALL_FOR)
                || kind == Decision.Kind.EXTEND || kind == Decision.Kind.EXTEND_ALL) {
            try {
                ApprovalDuration.parse(actionId.substring(actionId.indexOf("_for_") + "_for_".length()));
            } catch (IllegalArgumentException e) {
                throw new BadInteractionException("actions[0].action_id names no approval duration");
            }
        }
        // a change's button in a group message (Restore): the group message is what the outcome updates
        String blockId = action.path("block_id").asText("");
        if (blockId.startsWith(GroupMessages.BLOCK_PREFIX) && exchange != null) {
            // "sgwarden_group:<group ID>", or ":<change ID>" after it on a change's own block
            String groupId = blockId.substring(GroupMessages.BLOCK_PREFIX.length()).split(":", 2)[0];
            if (groupId.startsWith(GroupStore.PREFIX) && groupId.length() <= MAX_CHANGE_ID) {
                exchange.setProperty(Keys.GROUP, groupId);
            }
        }
        String userTeamId = root.path("user").path("team_id").asText(null);
        return new Decision(changeId, actionId, kind, userId, userName, teamId, userTeamId, responseUrl,
                clock.instant());
    }

    /** The router's last branch: an action that is neither Approve nor Deny. */
    public void unknownAction(@org.apache.camel.ExchangeProperty(Keys.DECISION) Decision decision) {
        throw new BadInteractionException("unknown action '" + decision.actionId() + "'");
    }

    private static String required(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadInteractionException("the payload has no " + path);
        }
        return v.asText();
    }

    static String formField(String form, String name) {
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                try {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new BadInteractionException("the payload field is not form-encoded");
                }
            }
        }
        return null;
    }

}
