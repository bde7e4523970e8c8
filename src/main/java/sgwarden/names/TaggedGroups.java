package sgwarden.names;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Tagging;
import sgwarden.policy.Policies;
import sgwarden.policy.TagSwitches;
import sgwarden.store.TagLedger;

/**
 * A tag change on security groups, one change per group, when it names a tag key some policy
 * matches on: its tags before (as the ledger last saw them) and after, and which policies that switches
 * on or off. A group the ledger has not seen yet starts from its tags as read now, without the keys
 * this change set (their earlier values are not in the record): stricter, never looser.
 */
@ApplicationScoped
@Named("taggedGroups")
public class TaggedGroups {

    @Inject
    Policies policies;

    @Inject
    GroupLookup groups;

    @Inject
    TagLedger ledger;

    @Inject
    CloudTrailParser parser;

    /** One change per group; empty when no policy matches on any key the change names: nothing to announce. */
    public List<SecurityGroupChange> expand(@Body SecurityGroupChange found) {
        Set<String> watched = policies.file().tagKeys();
        Tagging named = found.tagging();
        boolean delete = Tagging.DELETE_EVENT.equals(found.eventName());
        boolean any = named.tags().stream().anyMatch(t -> watched.contains(t.key()));
        if (watched.isEmpty() || !(any || (delete && named.tags().isEmpty()))) {
            return List.of();
        }
        // the policies and the messages read the tags as they are now, not as cached before the call
        named.groups().forEach(g -> groups.forget(found.accountId(), found.region(), g));
        // the whole call is kept: Deny undoes all of it, and sgwarden's own undo is recognized by all of it
        return named.groups().stream().map(groupId -> SecurityGroupChange.tagged(found,
                found.eventId() + "#" + groupId, groupId, named.of(groupId, null, null, null), found.record()))
                .toList();
    }

    /**
     * The change with its tags before and after and what that switches. Compared once: the same
     * event read again (an overlapping Lake run, a redelivery) gets what the first reading found.
     */
    public SecurityGroupChange compare(@Body SecurityGroupChange change) {
        String stored = ledger.compared(change.eventId(), () -> parser.storedTags(compute(change)));
        SecurityGroupChange first = parser.parse(stored, null);
        return SecurityGroupChange.tagged(change, change.eventId(), change.groupId(), first.tagging(), stored);
    }

    private SecurityGroupChange compute(SecurityGroupChange change) {
        Tagging named = change.tagging();
        boolean delete = Tagging.DELETE_EVENT.equals(change.eventName());
        String groupId = change.groupId();
        Map<String, String> now = groups.of(change.accountId(), change.region(), groupId);
        Map<String, String> firstSeen = new LinkedHashMap<>(now == null ? Map.of() : now);
        if (!delete) {
            named.tags().forEach(t -> firstSeen.remove(t.key()));
        } else {
            named.tags().stream().filter(t -> t.value() != null).forEach(t -> firstSeen.put(t.key(), t.value()));
        }
        Map<String, String> before = ledger.seen(change.accountId(), change.region(), groupId, firstSeen);
        Map<String, String> after = Tagging.apply(delete, delete && named.tags().isEmpty()
                ? before.keySet().stream().map(k -> new Tagging.Tag(k, null)).toList()
                : named.tags(), before);
        List<String> switches = TagSwitches.of(policies.file(), change.accountId(), change.region(), before, after);
        return SecurityGroupChange.tagged(change, change.eventId(), groupId,
                named.of(groupId, before, after, switches), change.record());
    }
}
