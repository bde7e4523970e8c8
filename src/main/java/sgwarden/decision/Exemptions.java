package sgwarden.decision;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.policy.OwnGroup;

/**
 * Clicks no message offers, refused all the same: a forged or stale click must change nothing that
 * its message would not have let it change. Deny on sgwarden's own load balancer group (a revert would
 * cut Slack off from sgwarden), and Restore while it is off (sgwarden.restore.enabled).
 */
@ApplicationScoped
@Named("exemptions")
public class Exemptions {

    @Inject
    Settings settings;

    @Inject
    OwnGroup ownGroup;

    /** A Deny on a change to the own group: refused before anything is recorded. */
    public void deny(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        if (ownGroup.is(stored)) {
            throw new DecisionRefusedException(refusal());
        }
    }

    /** The last check before any revert (a Deny, a policy, an expiry): the own group is never reverted. */
    public void revert(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        if (ownGroup.is(stored)) {
            throw new OwnGroupException(refusal());
        }
    }

    /** A Restore (or a quarantine's Approve) while Restore is off: refused, nothing changes. */
    public void restore() {
        if (!settings.restore().enabled()) {
            throw new DecisionRefusedException("Restore is off in this deployment (sgwarden.restore.enabled is false:"
                    + " the member accounts' spoke role may not add rules back), so nothing was changed. Put the"
                    + " rules back in AWS by hand if they are needed.");
        }
    }

    static String refusal() {
        return "This change is on " + OwnGroup.WHY + ". It is never reverted, so nothing was changed.";
    }

    /** A revert that reached the own group by a path no click offers; it is recorded as failed, with why. */
    public static class OwnGroupException extends RuntimeException {
        public OwnGroupException(String message) {
            super(message);
        }
    }
}
