package sgwarden.slack;

import sgwarden.change.Decision;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.StoredChange;
import sgwarden.names.Names;
import sgwarden.policy.Verdict;

/**
 * A change on its way to Slack, with what its message needs: why it is posted (asked about,
 * approved by a policy, or revoked by one), the policies' verdict, the names looked up for it, and
 * the ledger's record. Groups are lists of these.
 *
 * @param due while waiting in a group's window, the due time it is held under in the table
 */
public record Announcement(Kind kind, SecurityGroupChange change, Verdict verdict, Names names, Decision decision,
        StoredChange stored, String intake, long due) {

    public enum Kind {
        /** Approve and Deny, for a person. */
        ASK,
        /** Approved by a policy that posts a compact message. */
        APPROVED,
        /** Reverted or quarantined by a policy at once; the message says so and offers Restore. */
        ACTED
    }

    /** Changes by the same principal in the same account are announced together. */
    public String groupKey() {
        return change.actor().principalArn() + "|" + change.accountId();
    }

    public String changeId() {
        return change.eventId();
    }

    public Announcement withNames(Names found) {
        return new Announcement(kind, change, verdict, found, decision, stored, intake, due);
    }

    public Announcement withDue(long next) {
        return new Announcement(kind, change, verdict, names, decision, stored, intake, next);
    }
}
