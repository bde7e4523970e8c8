package sgwarden.slack;

import java.util.LinkedHashMap;
import java.util.Map;

/** The Block Kit pieces every message's buttons are made of, as wire JSON (see {@link WireBlock}). */
final class Buttons {

    private Buttons() {
    }

    /** A button; style null is Slack's default look, else primary or danger; confirm null asks nothing. */
    static Map<String, Object> button(String actionId, String label, String value, String style,
            Map<String, Object> confirm) {
        Map<String, Object> button = new LinkedHashMap<>();
        button.put("type", "button");
        button.put("action_id", actionId);
        button.put("text", plain(label));
        button.put("value", value);
        if (style != null) {
            button.put("style", style);
        }
        if (confirm != null) {
            button.put("confirm", confirm);
        }
        return button;
    }

    /** The dialog Slack shows before the click counts; danger colours its confirm button red. */
    static Map<String, Object> confirm(String title, String text, String ok, boolean danger) {
        Map<String, Object> confirm = new LinkedHashMap<>();
        confirm.put("title", plain(title));
        confirm.put("text", plain(text));
        confirm.put("confirm", plain(ok));
        confirm.put("deny", plain("Cancel"));
        if (danger) {
            confirm.put("style", "danger");
        }
        return confirm;
    }

    static Map<String, Object> plain(String text) {
        return Map.of("type", "plain_text", "text", text);
    }
}
