package sgwarden.store;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.change.Direction;
import sgwarden.change.KnownForm;
import sgwarden.change.Peer;
import sgwarden.change.Rule;

/** A rule's form as a DynamoDB map, the same in the rule items and in a change's audit trail. */
public final class Forms {

    private Forms() {
    }

    public static AttributeValue of(KnownForm form) {
        Map<String, AttributeValue> m = new HashMap<>();
        Rule r = form.rule();
        if (form.direction() != null) {
            m.put("direction", Items.s(form.direction().name()));
        }
        m.put("protocol", Items.s(r.protocol()));
        if (r.fromPort() != null) {
            m.put("fromPort", Items.n(r.fromPort()));
        }
        if (r.toPort() != null) {
            m.put("toPort", Items.n(r.toPort()));
        }
        m.put("peerKind", Items.s(r.peer().kind().name()));
        m.put("peer", Items.s(r.peer().value()));
        if (r.peer().ownerAccount() != null) {
            m.put("peerOwner", Items.s(r.peer().ownerAccount()));
        }
        if (r.description() != null) {
            m.put("description", Items.s(r.description()));
        }
        return AttributeValue.fromM(m);
    }

    /** Null for an absent or NULL attribute. */
    public static KnownForm read(String ruleId, AttributeValue value) {
        if (value == null || !value.hasM() || value.m().isEmpty()) {
            return null;
        }
        Map<String, AttributeValue> m = value.m();
        String direction = Items.str(m, "direction");
        Rule rule = new Rule(ruleId, Items.str(m, "protocol"), number(m, "fromPort"), number(m, "toPort"),
                new Peer(Peer.Kind.valueOf(Items.str(m, "peerKind")), Items.str(m, "peer"), Items.str(m, "peerOwner")),
                Items.str(m, "description"));
        return new KnownForm(direction == null ? null : Direction.valueOf(direction), rule);
    }

    static AttributeValue ofAll(Map<String, KnownForm> forms) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        forms.forEach((id, form) -> m.put(id, of(form)));
        return AttributeValue.fromM(m);
    }

    static Map<String, KnownForm> readAll(AttributeValue value) {
        Map<String, KnownForm> forms = new LinkedHashMap<>();
        if (value != null && value.hasM()) {
            value.m().forEach((id, form) -> {
                KnownForm f = read(id, form);
                if (f != null) {
                    forms.put(id, f);
                }
            });
        }
        return forms;
    }

    private static Integer number(Map<String, AttributeValue> m, String name) {
        AttributeValue v = m.get(name);
        return v == null || v.n() == null ? null : Integer.valueOf(v.n());
    }
}
