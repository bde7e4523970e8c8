package sgwarden.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.change.Decision;

/** One entry of a change's audit trail, as a one-element list ready for list_append. */
final class History {

    private History() {
    }

    static AttributeValue entry(String key, String value, Decision decision, Map<String, AttributeValue> more) {
        Map<String, AttributeValue> entry = new HashMap<>();
        entry.put(key, Items.s(value));
        entry.put("by", Items.s(decision.userId()));
        entry.put("byName", Items.s(String.valueOf(decision.userName())));
        entry.put("at", Items.s(decision.at().toString()));
        if (more != null) {
            entry.putAll(more);
        }
        return AttributeValue.fromL(List.of(AttributeValue.fromM(entry)));
    }
}
