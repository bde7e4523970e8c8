package sgwarden.change;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A principal that is a session of an IAM role, as CloudTrail writes its ARN:
 * arn:&lt;partition&gt;:sts::&lt;account&gt;:assumed-role/&lt;role name&gt;/&lt;session name&gt;. The role's
 * path is not in that ARN; role names are unique within an account whatever their path.
 */
public record AssumedRole(String partition, String accountId, String roleName, String sessionName) {

    private static final Pattern ARN = Pattern
            .compile("arn:([a-z-]+):sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/([\\w+=,.@-]{2,64})");
    /** How sgwarden names its sessions (SpokeRole); anyone may name theirs so, which is why it proves nothing. */
    public static final String SESSION_PREFIX = "sgwarden-";

    /** How a change uses sgwarden's names. Only a change not recognized as sgwarden's own is asked. */
    public enum Posing {
        /** Neither sgwarden's role nor its names. */
        NONE,
        /** Through the spoke role itself (the role of its name in the account that owns the group). */
        SPOKE_ROLE,
        /** A role named like the spoke role elsewhere, or a session named like sgwarden's. */
        LOOKALIKE
    }

    /** Whether a change was made through sgwarden's role or under a name like sgwarden's. */
    public static Posing posing(SecurityGroupChange change, String spokeRoleName) {
        AssumedRole role = of(change.actor());
        if (role == null) {
            return Posing.NONE;
        }
        if (role.isSpokeRole(change.accountId(), spokeRoleName)) {
            return Posing.SPOKE_ROLE;
        }
        return role.namedLikeSgwarden(spokeRoleName) ? Posing.LOOKALIKE : Posing.NONE;
    }

    /** The role session that made the change, or null when it was not made by an assumed role. */
    public static AssumedRole of(Actor actor) {
        String arn = actor == null ? null : actor.principalArn();
        if (arn == null) {
            return null;
        }
        Matcher m = ARN.matcher(arn);
        return m.matches() ? new AssumedRole(m.group(1), m.group(2), m.group(3), m.group(4)) : null;
    }

    /** The spoke role itself: the role of that name in the account that owns the group. */
    public boolean isSpokeRole(String owningAccount, String spokeRoleName) {
        return accountId.equals(owningAccount) && roleName.equals(spokeRoleName);
    }

    /** Named like sgwarden's: a role named like the spoke role in any account, or a session named like sgwarden's. */
    public boolean namedLikeSgwarden(String spokeRoleName) {
        return roleName.equalsIgnoreCase(spokeRoleName)
                || sessionName.toLowerCase(Locale.ROOT).startsWith(SESSION_PREFIX);
    }

    public String arn() {
        return "arn:" + partition + ":sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
    }
}
