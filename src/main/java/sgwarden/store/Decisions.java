package sgwarden.store;

import sgwarden.change.Decision;
import sgwarden.change.StoredChange;

/** How the audit trail names who decided: a person by Slack name and ID, a policy by its name. */
public final class Decisions {

    private Decisions() {
    }

    public static String who(StoredChange c) {
        if (c.decidedBy() != null && c.decidedBy().startsWith(Decision.POLICY_PREFIX)) {
            return "policy " + c.decidedBy().substring(Decision.POLICY_PREFIX.length());
        }
        return c.decidedByName() != null && !"null".equals(c.decidedByName())
                ? "@" + c.decidedByName() + " (" + c.decidedBy() + ")"
                : String.valueOf(c.decidedBy());
    }
}
