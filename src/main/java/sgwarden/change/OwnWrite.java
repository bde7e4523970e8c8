package sgwarden.change;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What CloudTrail will show of one EC2 call sgwarden makes through the spoke role, and what a
 * detected change is compared with: the account that owns the group, the region, the group, the
 * operation (event name), the session name, and the rules as the record names them. A rule is named
 * by its ID where the call names one (revoke, modify: with the form it sets) and by its form where
 * EC2 gives the ID only afterwards (authorize). A form is the traffic it allows: protocol, ports, and
 * the peer's kind and value; descriptions allow nothing and are left out.
 */
public record OwnWrite(String accountId, String region, String groupId, String eventName, String sessionName,
        List<String> rules) {

    public static final String REVOKE_INGRESS = "RevokeSecurityGroupIngress";
    public static final String REVOKE_EGRESS = "RevokeSecurityGroupEgress";
    public static final String AUTHORIZE_INGRESS = "AuthorizeSecurityGroupIngress";
    public static final String AUTHORIZE_EGRESS = "AuthorizeSecurityGroupEgress";

    /**
     * A detected change found to be one of sgwarden's own writes: what sgwarden expected (which
     * write, for which change, when), and whether this event had been recognized before (the same
     * event read again, by an overlapping Lake run or a redelivery).
     */
    public record Recognized(String expected, boolean again) {
    }

    public OwnWrite {
        rules = rules.stream().sorted().toList();
    }

    /** Rules removed by their IDs. */
    public static OwnWrite revoke(String accountId, String region, String groupId, boolean egress,
            String sessionName, List<String> ruleIds) {
        return new OwnWrite(accountId, region, groupId, egress ? REVOKE_EGRESS : REVOKE_INGRESS, sessionName,
                ruleIds);
    }

    /** Rules set to these forms, by their IDs. */
    public static OwnWrite modify(String accountId, String region, String groupId, String sessionName,
            Map<String, Rule> forms) {
        return new OwnWrite(accountId, region, groupId, SecurityGroupChange.MODIFY, sessionName,
                forms.entrySet().stream().map(e -> e.getKey() + "=" + traffic(e.getValue())).toList());
    }

    /** Rules added in these forms; EC2 gives them their IDs. */
    public static OwnWrite authorize(String accountId, String region, String groupId, boolean egress,
            String sessionName, List<Rule> forms) {
        return new OwnWrite(accountId, region, groupId, egress ? AUTHORIZE_EGRESS : AUTHORIZE_INGRESS, sessionName,
                forms.stream().map(OwnWrite::traffic).toList());
    }

    /**
     * An interface's groups set to exactly these (Deny or a policy taking one off, Restore putting it
     * back): the record names the interface, in the place of a group, and the whole new set.
     */
    public static OwnWrite interfaceGroups(String accountId, String region, String interfaceId, String sessionName,
            List<String> groups) {
        return new OwnWrite(accountId, region, interfaceId, Attachment.INTERFACE_EVENT, sessionName,
                groups.stream().map(g -> "group|" + g).toList());
    }

    /** A group's tags set (CreateTags) or removed (DeleteTags, by key) by Deny or Restore of a tag change. */
    public static OwnWrite tags(String accountId, String region, String groupId, String eventName,
            String sessionName, List<Tagging.Tag> tags) {
        return new OwnWrite(accountId, region, groupId, eventName, sessionName,
                tags.stream().map(t -> "tag|" + t.describe()).toList());
    }

    /**
     * A managed prefix list changed from this version (Deny putting earlier entries back, Restore the
     * change again): the record names the list, in the place of a group, and the version sgwarden saw
     * (its CurrentVersion). EC2 changes a list once at a given version, so the version names the write.
     */
    public static OwnWrite prefixList(String accountId, String region, String listId, String sessionName,
            int seenVersion) {
        return new OwnWrite(accountId, region, listId, PrefixListChange.MODIFY_EVENT, sessionName,
                List.of("version|" + seenVersion));
    }

    /** What a detected change shows, to be looked up among the writes sgwarden expects. */
    public static OwnWrite shownBy(SecurityGroupChange change, String sessionName) {
        if (change.changesTags()) {
            return tags(change.accountId(), change.region(), change.groupId(), change.eventName(), sessionName,
                    change.tagging().tags());
        }
        if (change.changesPrefixList()) {
            PrefixListChange list = change.prefixList();
            return new OwnWrite(change.accountId(), change.region(), list.listId(), change.eventName(), sessionName,
                    list.seenVersion() == null ? List.of() : List.of("version|" + list.seenVersion()));
        }
        if (change.changesAttachment()) {
            Attachment a = change.attachment();
            String target = a.interfaceId() != null ? a.interfaceId() : a.instanceId();
            return new OwnWrite(change.accountId(), change.region(), target, change.eventName(), sessionName,
                    a.groups().stream().map(g -> "group|" + g).toList());
        }
        if (change.isModification()) {
            return new OwnWrite(change.accountId(), change.region(), change.groupId(), change.eventName(),
                    sessionName, change.rules().stream().map(r -> r.ruleId() + "=" + traffic(r)).toList());
        }
        return new OwnWrite(change.accountId(), change.region(), change.groupId(), change.eventName(), sessionName,
                change.rules().stream().map(OwnWrite::traffic).toList());
    }

    /**
     * "tcp|22|22|IPV4_CIDR|0.0.0.0/0": the form as both the call and the record give it (protocol
     * names as the parser writes them, -1 for a port not given, no ports for all protocols).
     */
    static String traffic(Rule r) {
        String ports = r.isAllProtocols() ? "|" : port(r.fromPort()) + "|" + port(r.toPort());
        return r.protocol() + "|" + ports + "|" + r.peer().kind() + "|" + r.peer().value();
    }

    private static String port(Integer p) {
        return p == null ? "-1" : p.toString();
    }

    /**
     * The table key: every field that must match, so that one conditional write finds and consumes
     * the expectation. The rules are hashed to keep the key short whatever their number.
     */
    public String key() {
        return "expect#" + accountId + "#" + region + "#" + groupId + "#" + eventName + "#" + sessionName + "#"
                + sha256(String.join("\n", rules));
    }

    /** One line for the audit log and the item. */
    public String describe() {
        return eventName + " on " + groupId + " in " + accountId + "/" + region + " by session " + sessionName
                + " (" + String.join(", ", rules) + ")";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
