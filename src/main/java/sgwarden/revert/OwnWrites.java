package sgwarden.revert;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;

import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;

import sgwarden.change.AssumedRole;
import sgwarden.change.OwnWrite;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.StoredChange;
import sgwarden.change.Tagging;
import sgwarden.config.Settings;
import sgwarden.store.Expectations;

/**
 * sgwarden's own changes, proven rather than guessed from a name. Before each EC2 write through the
 * spoke role, the revert beans record what CloudTrail will show of it ({@link OwnWrite}); a detected
 * change is sgwarden's own only when it came through the spoke role in the account that owns the
 * group and consumes such a record. Anything else made through that role, or in a session named like
 * sgwarden's, is announced like any change (with a warning that says so).
 */
@ApplicationScoped
@Named("ownWrites")
public class OwnWrites {

    @Inject
    Expectations expectations;

    @Inject
    SpokeRole spokeRole;

    @Inject
    Settings settings;

    /** A write recorded as expected: withdrawn if the call fails. */
    public record Expected(OwnWrite write, String window) {
    }

    public Expected revoke(AssumeRoleResponse assumed, StoredChange stored, boolean egress, List<String> ruleIds,
            String why) {
        return expect(OwnWrite.revoke(stored.accountId(), stored.region(), stored.groupId(), egress,
                session(assumed), ruleIds), why, stored);
    }

    public Expected modify(AssumeRoleResponse assumed, StoredChange stored, Map<String, Rule> forms, String why) {
        return expect(OwnWrite.modify(stored.accountId(), stored.region(), stored.groupId(), session(assumed), forms),
                why, stored);
    }

    public Expected authorize(AssumeRoleResponse assumed, StoredChange stored, boolean egress, List<Rule> forms,
            String why) {
        return expect(OwnWrite.authorize(stored.accountId(), stored.region(), stored.groupId(), egress,
                session(assumed), forms), why, stored);
    }

    /** An interface's groups set to exactly these, by Deny, a policy or Restore. */
    public Expected interfaceGroups(AssumeRoleResponse assumed, StoredChange stored, String interfaceId,
            List<String> groups, String why) {
        return expect(OwnWrite.interfaceGroups(stored.accountId(), stored.region(), interfaceId, session(assumed),
                groups), why, stored);
    }

    /** A group's tags set or removed, by Deny, an expiry or Restore of a tag change. */
    public Expected tags(AssumeRoleResponse assumed, StoredChange stored, String eventName,
            List<Tagging.Tag> tags, String why) {
        return expect(OwnWrite.tags(stored.accountId(), stored.region(), stored.groupId(), eventName,
                session(assumed), tags), why, stored);
    }

    /** A managed prefix list changed from this version, in the account that owns it. */
    public Expected prefixList(AssumeRoleResponse assumed, StoredChange stored, String listId, int seenVersion,
            String why) {
        return expect(OwnWrite.prefixList(stored.accountId(), stored.region(), listId, session(assumed), seenVersion),
                why, stored);
    }

    /** EC2 refused the call: it changed nothing, so CloudTrail shows no change to recognize. */
    public void withdraw(Expected expected) {
        expectations.withdraw(expected.write(), expected.window());
    }

    /**
     * The change, when sgwarden made it: through the spoke role of the owning account and matching a
     * write sgwarden recorded, which this consumes. Null for any other change.
     */
    public OwnWrite.Recognized recognize(@Body SecurityGroupChange change) {
        AssumedRole role = AssumedRole.of(change.actor());
        if (role == null || !spokeRole.isSpokeRole(role, change)) {
            return null;
        }
        return expectations.consume(OwnWrite.shownBy(change, role.sessionName()), change.eventId(),
                change.eventTime());
    }

    /**
     * For a change not recognized as sgwarden's: "spoke-role" when made through the spoke role,
     * "name" when by a role or session named like sgwarden's, null otherwise.
     */
    public String posing(@Body SecurityGroupChange change) {
        return switch (AssumedRole.posing(change, settings.revert().roleName())) {
            case SPOKE_ROLE -> "spoke-role";
            case LOOKALIKE -> "name";
            case NONE -> null;
        };
    }

    private Expected expect(OwnWrite write, String why, StoredChange stored) {
        return new Expected(write, expectations.expect(write, why + " of change " + stored.changeId()));
    }

    /** The session name AWS gave the role: the last part of the assumed role's ARN. */
    private static String session(AssumeRoleResponse assumed) {
        String arn = assumed.assumedRoleUser() == null ? null : assumed.assumedRoleUser().arn();
        if (arn == null || arn.lastIndexOf('/') < 0) {
            // without it the event cannot be matched and is announced: safe, if noisy
            return "(unknown)";
        }
        return arn.substring(arn.lastIndexOf('/') + 1);
    }
}
