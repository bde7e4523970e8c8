package sgwarden.decision;

import java.time.Instant;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;

/**
 * When an approval may be extended, and to when: only while it is APPROVED for a time and not yet
 * past its expiry, and only to a later time than it already runs. The store moves the expiry; this
 * decides whether it may.
 */
public final class ExtendRules {

    private ExtendRules() {
    }

    /**
     * The new expiry an Extend chose, from now; null for permanently. Refused (with the reason the
     * person is told) where the approval is not open to it.
     */
    public static Instant until(StoredChange stored, ApprovalDuration chosen, Instant now) {
        if (stored.status() != Status.APPROVED) {
            throw new DecisionRefusedException(Refusals.notExtendable(stored));
        }
        if (stored.approvedUntil() == null) {
            throw new DecisionRefusedException("This change is approved permanently: there is no expiry to extend,"
                    + " so nothing was changed.");
        }
        if (!stored.approvedUntil().isAfter(now)) {
            throw new DecisionRefusedException("This approval ended at " + stored.approvedUntil()
                    + " and its rules are being reverted, so nothing was changed.");
        }
        Instant until = chosen.permanent() ? null : now.plus(chosen.duration());
        if (until != null && !until.isAfter(stored.approvedUntil())) {
            throw new DecisionRefusedException("The approval already runs until " + stored.approvedUntil()
                    + ", later than extending " + what(chosen) + " would, so nothing was changed.");
        }
        return until;
    }

    /** Who extended it, and for how long, as the announcement shows it: "alice for 8 h". */
    public static String extendedBy(Decision decision) {
        String who = decision.userName() == null ? decision.userId() : decision.userName();
        return who + " " + what(decision.approvalFor());
    }

    private static String what(ApprovalDuration chosen) {
        return chosen.permanent() ? "permanently" : "for " + chosen.label();
    }
}
