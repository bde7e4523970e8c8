package sgwarden.names;

/**
 * What people call the things a change touched, resolved for one message. Any part may be null:
 * the message then shows the ID alone.
 */
public record Names(String groupName, String vpcId, String vpcName, String accountName) {

    /** Nothing known: every ID is shown alone, as before names existed. */
    public static final Names NONE = new Names(null, null, null, null);

    /** Whether the group was found (a group always has a name); false where its lookup was late or failed. */
    public boolean complete() {
        return groupName != null;
    }

    static Names of(GroupInfo group, String accountName) {
        return group == null ? new Names(null, null, null, accountName)
                : new Names(group.name(), group.vpcId(), group.vpcName(), accountName);
    }
}
