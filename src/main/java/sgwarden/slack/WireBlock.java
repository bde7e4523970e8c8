package sgwarden.slack;

import java.util.LinkedHashMap;
import java.util.Map;

import com.slack.api.model.block.LayoutBlock;

/**
 * A Block Kit block held as its wire JSON. camel-slack serialises webhook messages with a plain
 * Gson, which would write the SDK's block classes with camelCase keys (actionId, blockId) that Slack
 * rejects; a map is written as it is by that Gson and by the SDK's own for chat.postMessage.
 */
public class WireBlock extends LinkedHashMap<String, Object> implements LayoutBlock {

    private static final long serialVersionUID = 1L;

    public WireBlock(Map<String, Object> json) {
        super(json);
    }

    @Override
    public String getType() {
        return (String) get("type");
    }

    @Override
    public String getBlockId() {
        return (String) get("block_id");
    }
}
