package sgwarden.change;

import java.util.List;

/**
 * A managed prefix list changed (ModifyManagedPrefixList, RestoreManagedPrefixListVersion): every
 * rule that names the list as its peer now allows what the list holds. CloudTrail's shape of the
 * entries is not documented, so the entries are read through the spoke role of the list's owner (the
 * record's account) at the new version and at the one before, and compared: {@link #added} and
 * {@link #removed}. seenVersion is the version the caller saw (the call's CurrentVersion), version the
 * one the call made; either may be unknown until the list is read. uses are the groups' rules that
 * name the list, as read; groupAccount is, for one group's change, the account that owns the group
 * (a list shared through RAM is used in other accounts, but changed only by its owner).
 */
public record PrefixListChange(String listId, String listName, Integer seenVersion, Integer version, List<Entry> added,
        List<Entry> removed, List<Use> uses, String groupAccount, String unreadable) {

    public static final String MODIFY_EVENT = "ModifyManagedPrefixList";
    public static final String RESTORE_EVENT = "RestoreManagedPrefixListVersion";

    /** One CIDR of the list, with its description (which allows nothing). */
    public record Entry(String cidr, String description) {
    }

    /** The rules of one group, in one direction, that name the list as their peer. */
    public record Use(String groupId, String accountId, Direction direction, List<Rule> rules) {
        public Use {
            rules = List.copyOf(rules);
        }
    }

    public PrefixListChange {
        added = added == null ? List.of() : List.copyOf(added);
        removed = removed == null ? List.of() : List.copyOf(removed);
        uses = uses == null ? List.of() : List.copyOf(uses);
    }

    /** As the record names it: the list and the versions, where the record has them. */
    public static PrefixListChange named(String listId, Integer seenVersion, Integer version) {
        return new PrefixListChange(listId, null, seenVersion, version, null, null, null, null, null);
    }

    /** A change to a list that could not be read: fails closed, a person is told why, never skipped. */
    public static PrefixListChange cannotRead(String listId, String why) {
        return new PrefixListChange(listId, null, null, null, null, null, null, null, why);
    }

    public static boolean isEvent(String eventName) {
        return MODIFY_EVENT.equals(eventName) || RESTORE_EVENT.equals(eventName);
    }

    /** As read through the spoke role: its name, both versions, what changed and who uses it. */
    public PrefixListChange read(String name, int seen, int now, List<Entry> added, List<Entry> removed,
            List<Use> uses) {
        return new PrefixListChange(listId, name, seen, now, added, removed, uses, groupAccount, null);
    }

    public PrefixListChange readFailed(String why) {
        return new PrefixListChange(listId, listName, seenVersion, version, added, removed, uses, groupAccount, why);
    }

    /** The same change as one group sees it. */
    public PrefixListChange forGroup(String accountId) {
        return new PrefixListChange(listId, listName, seenVersion, version, added, removed, List.of(), accountId,
                unreadable);
    }

    /** "corp-ips (pl-0abc)", or the ID alone when the name is unknown. */
    public String describe() {
        String id = listId == null ? "a prefix list the record does not name" : listId;
        return listName == null || listName.isBlank() || listName.equals(listId) ? id : listName + " (" + id + ")";
    }

    public List<String> addedCidrs() {
        return added.stream().map(Entry::cidr).toList();
    }

    public List<String> removedCidrs() {
        return removed.stream().map(Entry::cidr).toList();
    }
}
