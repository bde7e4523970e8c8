package sgwarden.decision;

import sgwarden.change.Decision;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;

/**
 * Why a click changed nothing, as the person who clicked is told: the change was decided first, its
 * approval cannot be extended, or it cannot be restored. The stores find the change as it stands and
 * refuse with these words; they decide nothing about the wording.
 */
public final class Refusals {

    private Refusals() {
    }

    /** How the audit trail names who decided: a person by Slack name and ID, a policy by its name. */
    public static String who(StoredChange c) {
        if (c.decidedBy() != null && c.decidedBy().startsWith(Decision.POLICY_PREFIX)) {
            return "policy " + c.decidedBy().substring(Decision.POLICY_PREFIX.length());
        }
        return c.decidedByName() != null && !"null".equals(c.decidedByName())
                ? "@" + c.decidedByName() + " (" + c.decidedBy() + ")"
                : String.valueOf(c.decidedBy());
    }

    /** A decision that came second: who decided first, and when. */
    public static String alreadyDecided(StoredChange c) {
        String verb = switch (String.valueOf(c.decision())) {
            case "APPROVE" -> "approved";
            case "REVERT" -> "reverted";
            case "QUARANTINE" -> "quarantined";
            case "RESTORE" -> "restored";
            case "KEEP_OFF" -> "kept off";
            default -> "denied";
        };
        return "This change was already " + verb + " by " + who(c) + " at " + c.decidedAt()
                + "; it is now " + c.status().words() + ".";
    }

    /** An Extend on a change that is not (or no longer) approved for a time. */
    public static String notExtendable(StoredChange c) {
        return switch (c.status()) {
            case PENDING -> "This change is not approved, so there is no approval to extend; nothing was changed.";
            case EXPIRED, REVERTING -> "This approval has ended and its rules are being reverted, so nothing was"
                    + " changed.";
            case REVERTED, ALREADY_GONE, REVERT_FAILED ->
                "This approval has ended; the change is now " + c.status().words()
                        + ", so nothing was changed.";
            default -> alreadyDecided(c);
        };
    }

    /** An Extend that lost to another: who extended it first, or why it is no longer open to one. */
    public static String extendedMeanwhile(StoredChange now) {
        if (now.status() == Status.APPROVED && now.extended() != null) {
            return "This approval was just extended by @" + now.extended()
                    + (now.approvedUntil() == null ? "" : " (until " + now.approvedUntil() + ")")
                    + ", so nothing was changed.";
        }
        return notExtendable(now);
    }

    /** Restore or Keep off on a change that is not reverted or quarantined. */
    public static String notRestorable(Decision click, StoredChange c) {
        String what = switch (c.status()) {
            case RESTORED -> "restored";
            case RESTORING -> "being restored";
            case APPROVED -> "approved";
            case PENDING -> "waiting for Approve or Deny, not reverted";
            default -> c.status().words();
        };
        String who = c.decidedBy() == null ? ""
                : " (last decided by " + who(c) + " at " + c.decidedAt() + ")";
        String verb = click.kind() == Decision.Kind.KEEP_OFF ? "kept off" : "restored";
        return "This change cannot be " + verb + ": it is " + what + who + ".";
    }
}
