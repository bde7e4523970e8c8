package sgwarden.change;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A security group change found in CloudTrail. accountId is recipientAccountId, the account that
 * owns the group: reverts happen there, not in the caller's account. For a modification, rules are
 * the new forms and earlier holds, by rule ID, the forms the ledger knew before it (CloudTrail does
 * not record them).
 */
public record SecurityGroupChange(
        String eventId,
        String requestId,
        String eventName,
        Instant eventTime,
        String accountId,
        String region,
        String groupId,
        Direction direction,
        Actor actor,
        List<Rule> rules,
        String intake,
        String record,
        Map<String, KnownForm> earlier,
        Attachment attachment,
        Tagging tagging,
        PrefixListChange prefixList) {

    public static final String MODIFY = "ModifySecurityGroupRules";

    public SecurityGroupChange {
        earlier = earlier == null ? Map.of() : Map.copyOf(earlier);
    }

    /** A rule change or groups attached: no tags, no prefix list changed. */
    public SecurityGroupChange(String eventId, String requestId, String eventName, Instant eventTime,
            String accountId, String region, String groupId, Direction direction, Actor actor, List<Rule> rules,
            String intake, String record, Map<String, KnownForm> earlier, Attachment attachment) {
        this(eventId, requestId, eventName, eventTime, accountId, region, groupId, direction, actor, rules, intake,
                record, earlier, attachment, null, null);
    }

    /** Tags set or removed on one group (tagged.groupId()): no rules change. */
    public static SecurityGroupChange tagged(SecurityGroupChange found, String eventId, String groupId,
            Tagging tagging, String record) {
        return new SecurityGroupChange(eventId, found.requestId(), found.eventName(), found.eventTime(),
                found.accountId(), found.region(), groupId, Direction.INGRESS, found.actor(), List.of(),
                found.intake(), record, Map.of(), null, tagging, null);
    }

    /**
     * Tags set or removed, not rules added or changed. Not named isTagging: Camel's simple language
     * would then find two candidates for ${body.tagging}.
     */
    public boolean changesTags() {
        return tagging != null;
    }

    /** Tags set or removed: no prefix list changed. */
    public SecurityGroupChange(String eventId, String requestId, String eventName, Instant eventTime,
            String accountId, String region, String groupId, Direction direction, Actor actor, List<Rule> rules,
            String intake, String record, Map<String, KnownForm> earlier, Attachment attachment, Tagging tagging) {
        this(eventId, requestId, eventName, eventTime, accountId, region, groupId, direction, actor, rules, intake,
                record, earlier, attachment, tagging, null);
    }

    /** A managed prefix list changed: no tags. */
    public SecurityGroupChange(String eventId, String requestId, String eventName, Instant eventTime,
            String accountId, String region, String groupId, Direction direction, Actor actor, List<Rule> rules,
            String intake, String record, Map<String, KnownForm> earlier, Attachment attachment,
            PrefixListChange prefixList) {
        this(eventId, requestId, eventName, eventTime, accountId, region, groupId, direction, actor, rules, intake,
                record, earlier, attachment, null, prefixList);
    }

    /** A rule change: no groups attached. */
    public SecurityGroupChange(String eventId, String requestId, String eventName, Instant eventTime,
            String accountId, String region, String groupId, Direction direction, Actor actor, List<Rule> rules,
            String intake, String record, Map<String, KnownForm> earlier) {
        this(eventId, requestId, eventName, eventTime, accountId, region, groupId, direction, actor, rules, intake,
                record, earlier, null);
    }

    /**
     * Groups put on an interface: one change per group, its ingress rules judged as if added now. The
     * record is the CloudTrail record as sgwarden stored it (with what it read through the spoke role).
     */
    public static SecurityGroupChange attached(SecurityGroupChange found, String eventId, String groupId,
            List<Rule> rules, Attachment attachment, String record) {
        return new SecurityGroupChange(eventId, found.requestId(), found.eventName(), found.eventTime(),
                found.accountId(), found.region(), groupId, Direction.INGRESS, found.actor(), List.copyOf(rules),
                found.intake(), record, Map.of(), attachment);
    }

    /**
     * One group's rules that name a changed prefix list, each rule once per CIDR the change added, as
     * if that CIDR were its peer. accountId stays the list owner's: Deny and Restore change the list
     * there. The record is the CloudTrail record as sgwarden stored it (with what it read).
     */
    public static SecurityGroupChange prefixListUsed(SecurityGroupChange found, String eventId,
            PrefixListChange.Use use, List<Rule> rules, String record) {
        return new SecurityGroupChange(eventId, found.requestId(), found.eventName(), found.eventTime(),
                found.accountId(), found.region(), use.groupId(), use.direction(), found.actor(), List.copyOf(rules),
                found.intake(), record, Map.of(), null, null, found.prefixList().forGroup(use.accountId()));
    }

    /** With the prefix list as read through the spoke role. */
    public SecurityGroupChange withPrefixList(PrefixListChange read) {
        return new SecurityGroupChange(eventId, requestId, eventName, eventTime, accountId, region, groupId,
                direction, actor, rules, intake, record, earlier, attachment, tagging, read);
    }

    /**
     * A managed prefix list changed, not a group's rules. Not named isPrefixList: Camel's simple
     * language would then find two candidates for ${body.prefixList}.
     */
    public boolean changesPrefixList() {
        return prefixList != null;
    }

    /** Why the change could not be read (a group set or a prefix list), or null. */
    public String unreadable() {
        if (attachment != null) {
            return attachment.unreadable();
        }
        return prefixList == null ? null : prefixList.unreadable();
    }

    /**
     * Groups put on an interface or an instance, not rules added or changed. Not isAttachment(): beside
     * the attachment() accessor, Camel's simple language could not tell ${body.attachment} which one.
     */
    public boolean changesAttachment() {
        return attachment != null;
    }

    /** The same change showing only these of its rules (for a message). */
    public SecurityGroupChange withRules(List<Rule> shown) {
        return new SecurityGroupChange(eventId, requestId, eventName, eventTime, accountId, region, groupId,
                direction, actor, List.copyOf(shown), intake, record, earlier, attachment, tagging, prefixList);
    }

    /** An addition, or a modification whose earlier forms have not been looked up yet. */
    public SecurityGroupChange(String eventId, String requestId, String eventName, Instant eventTime,
            String accountId, String region, String groupId, Direction direction, Actor actor, List<Rule> rules,
            String intake, String record) {
        this(eventId, requestId, eventName, eventTime, accountId, region, groupId, direction, actor, rules, intake,
                record, Map.of());
    }

    public boolean isModification() {
        return MODIFY.equals(eventName);
    }

    /**
     * With the earlier forms the ledger knows. A modification's direction is not in its record: it
     * becomes the one its rules' known forms share, and stays INGRESS when that is not known.
     */
    public SecurityGroupChange withEarlier(Map<String, KnownForm> forms) {
        Direction known = direction;
        if (isModification() && forms != null && !rules.isEmpty()) {
            List<Direction> seen = rules.stream().map(r -> forms.get(r.ruleId()))
                    .map(f -> f == null ? null : f.direction()).distinct().toList();
            if (seen.size() == 1 && seen.get(0) != null) {
                known = seen.get(0);
            }
        }
        return new SecurityGroupChange(eventId, requestId, eventName, eventTime, accountId, region, groupId,
                known, actor, rules, intake, record, forms, attachment, tagging, prefixList);
    }

    /** Each rule changed, with its earlier form where known; empty for an addition. */
    public List<Modification> modifications() {
        if (!isModification()) {
            return List.of();
        }
        return rules.stream().map(r -> new Modification(r.ruleId(), earlier.get(r.ruleId()), r)).toList();
    }

    /** A modification that edits descriptions only, of rules whose earlier forms are all known. */
    public boolean descriptionOnly() {
        return isModification() && modifications().stream().allMatch(Modification::descriptionOnly);
    }

    /** Some rule opens to the whole internet, alone or with the change's other rules (see Reach). */
    public boolean opensToWorld() {
        return reach().stream().anyMatch(Reach::isWorld);
    }

    /** Each rule's reach, in the order of rules. */
    public List<Reach> reach() {
        return Reach.of(rules);
    }

    public boolean opensAllPorts() {
        return rules.stream().anyMatch(Rule::isAllPorts);
    }

    public List<String> ruleIds() {
        return rules.stream().map(Rule::ruleId).filter(id -> id != null && !id.isBlank()).toList();
    }
}
