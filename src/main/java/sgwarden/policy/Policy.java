package sgwarden.policy;

import sgwarden.change.ApprovalDuration;

/**
 * One entry of the policy file. post only matters for approve. line is where the policy starts in
 * its file, for messages. maxApproval (null for no cap) and allowPermanent bound what Approve offers
 * for the rules an ask policy matches; undecided (null: never) decides a change nobody decided in time.
 */
public record Policy(String name, Match match, Action action, boolean dryRun, Post post, int line,
        ApprovalDuration maxApproval, boolean allowPermanent, Undecided undecided) {

    public Policy(String name, Match match, Action action, boolean dryRun, Post post, int line) {
        this(name, match, action, dryRun, post, line, null, true, null);
    }

    public Policy(String name, Match match, Action action, boolean dryRun, Post post, int line,
            ApprovalDuration maxApproval, boolean allowPermanent) {
        this(name, match, action, dryRun, post, line, maxApproval, allowPermanent, null);
    }
}
