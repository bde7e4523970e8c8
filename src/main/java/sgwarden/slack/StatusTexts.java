package sgwarden.slack;

import sgwarden.change.Decision;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;

/**
 * What Slack messages say a change's status is, in one place: the outcome lines of an expiry, of a
 * policy's decision (at once, or on a change left undecided), of a person's click, the marks and counts
 * of a group message.
 * The messages compose these with the change; the wording of a status is written only here.
 */
final class StatusTexts {

    private StatusTexts() {
    }

    /** A change's mark in a group's rules list, once it is no longer just waiting. */
    static String mark(StoredChange stored) {
        if (stored == null) {
            return "";
        }
        return switch (stored.status()) {
            case APPROVED -> ":white_check_mark: ";
            case REVERTED, ALREADY_GONE -> ":leftwards_arrow_with_hook: ";
            case REVERT_FAILED -> ":x: ";
            case REVERTING, EXPIRED -> ":hourglass_flowing_sand: ";
            case RESTORED -> ":arrows_counterclockwise: ";
            default -> "";
        };
    }

    /** The statuses a group's outcome counts, in the order it lists them (then those posted alone, then PENDING). */
    static final java.util.List<Status> TALLIED = java.util.List.of(Status.APPROVED, Status.REVERTED,
            Status.ALREADY_GONE, Status.REVERT_FAILED, Status.REVERTING, Status.EXPIRED, Status.RESTORED);

    /** How a group's outcome counts changes in a status: "3 approved, 1 failed". */
    static String tallied(Status status) {
        return switch (status) {
            case APPROVED -> "approved";
            case REVERTED -> "reverted";
            case ALREADY_GONE -> "already gone";
            case REVERT_FAILED -> "failed";
            case REVERTING -> "reverting";
            case EXPIRED -> "expired, reverting";
            case RESTORED -> "restored";
            case PENDING -> "still waiting";
            default -> status.words();
        };
    }

    /** An approval for a time that ended: approved is who approved it, for how long (and who extended it). */
    static String expired(StoredChange stored, String approved, String at) {
        return switch (stored.status()) {
            case REVERTED -> ":alarm_clock: " + approved + "; expired and reverted at " + at
                    + revertedHow(stored);
            case ALREADY_GONE -> ":alarm_clock: " + approved + "; expired at " + at
                    + ": the rules had already been removed by someone else, nothing left to revert";
            case REVERT_FAILED -> ":x: " + approved + "; expired at " + at + ", but the revert failed: "
                    + Mrkdwn.escape(stored.error(), 500) + ". Deny can be clicked once this is fixed.";
            default -> ":alarm_clock: " + approved + "; expired at " + at + " (" + words(stored.status()) + ")";
        };
    }

    /** A change its policy decided after it was left undecided for after ("24 h"). */
    static String escalated(StoredChange stored, String policy, String after, String at) {
        return switch (stored.status()) {
            case APPROVED -> ":white_check_mark: Approved by " + policy + " after " + after + " undecided";
            case REVERTED -> ":leftwards_arrow_with_hook: Denied by " + policy + " after " + after
                    + " undecided; reverted at " + at + revertedHow(stored);
            case ALREADY_GONE -> ":information_source: Denied by " + policy + " after " + after + " undecided at "
                    + at + ": the rules had already been removed by someone else, nothing left to revert";
            case REVERT_FAILED -> ":x: Denied by " + policy + " after " + after + " undecided, but the revert failed: "
                    + Mrkdwn.escape(stored.error(), 500) + ". Deny can be clicked once this is fixed.";
            default -> ":hourglass_flowing_sand: Denied by " + policy + " after " + after + " undecided ("
                    + words(stored.status()) + ")";
        };
    }

    /** What a policy that reverts or quarantines did at once, for rules, an attachment or a prefix list. */
    static String actedAtOnce(StoredChange stored, String policy, boolean restore) {
        String line = actedAtOnce(stored, policy);
        return switch (stored.status()) {
            case REVERTED, QUARANTINED -> line + offered(stored, restore);
            default -> line;
        };
    }

    /** What the buttons under a reverted or quarantined change do; with Restore off, only a quarantine's Deny. */
    private static String offered(StoredChange stored, boolean restore) {
        boolean one = stored.ruleIds() == null || stored.ruleIds().size() <= 1;
        String them = one ? "it" : "them";
        String back = stored.isAttachment() ? "puts it back"
                : stored.isPrefixList() ? "makes the change again"
                        : stored.isModification() ? "widens " + them + " again"
                                : stored.status() == Status.QUARANTINED ? "restores " + them : "puts " + them + " back";
        if (stored.status() == Status.REVERTED) {
            return restore ? " *Restore* " + back + "." : "";
        }
        String off = stored.isAttachment() ? "keeps it off"
                : stored.isPrefixList() ? "keeps it undone"
                        : stored.isModification() ? "keeps " + them + (one ? " as it is" : " as they are")
                                : "keeps " + them + " off";
        return restore ? " *Approve* " + back + ", *Deny* " + off + "." : " *Deny* " + off + ".";
    }

    private static String actedAtOnce(StoredChange stored, String policy) {
        if (stored.isAttachment()) {
            return attachmentActed(stored, policy);
        }
        if (stored.isPrefixList()) {
            return prefixListActed(stored, policy);
        }
        boolean one = stored.ruleIds() == null || stored.ruleIds().size() <= 1;
        if (stored.isModification()) {
            // a widening undone is a rule put back to what it was, not a rule removed
            return switch (stored.status()) {
                case REVERTED -> ":leftwards_arrow_with_hook: Reverted at once by " + policy + ": " + putBack(stored)
                        + ".";
                case QUARANTINED -> ":no_entry: Quarantined by " + policy + ": " + putBack(stored) + " at once.";
                case ALREADY_GONE -> ":information_source: " + policy + " would have undone this change, but "
                        + (one ? "the rule was" : "the rules were") + " already gone.";
                case REVERT_FAILED -> ":x: " + policy + " could not undo the change: "
                        + Mrkdwn.escape(stored.error(), 500) + ". Deny can be clicked once this is fixed.";
                default -> policy + ": " + words(stored.status());
            };
        }
        String rules = one ? "the rule was" : "the rules were";
        return switch (stored.status()) {
            case REVERTED -> ":leftwards_arrow_with_hook: Reverted at once by " + policy
                    + ": " + rules + " removed.";
            case QUARANTINED -> ":no_entry: Quarantined by " + policy + ": " + rules + " removed at once.";
            case ALREADY_GONE -> ":information_source: " + policy + " would have reverted this change,"
                    + " but " + rules + " already removed by someone else.";
            case REVERT_FAILED -> ":x: " + policy + " could not remove " + (one ? "the rule: " : "the rules: ")
                    + Mrkdwn.escape(stored.error(), 500) + ". Deny can be clicked once this is fixed.";
            default -> policy + ": " + words(stored.status());
        };
    }

    /** What a policy did with a group attached: taken off the interface, its rules left as they are. */
    private static String attachmentActed(StoredChange stored, String policy) {
        return switch (stored.status()) {
            case REVERTED -> ":leftwards_arrow_with_hook: Reverted at once by " + policy
                    + ": the group was taken off the interface.";
            case QUARANTINED -> ":no_entry: Quarantined by " + policy + ": the group was taken off the interface at"
                    + " once.";
            case ALREADY_GONE -> ":information_source: " + policy + " would have taken the group off the interface,"
                    + " but it was no longer on it.";
            case REVERT_FAILED -> ":x: " + policy + " could not take the group off the interface: "
                    + Mrkdwn.escape(stored.error(), 500) + ". Deny can be clicked once this is fixed.";
            default -> policy + ": " + words(stored.status());
        };
    }

    /** What a policy did with a prefix list change: the list's earlier entries put back, for every group using it. */
    private static String prefixListActed(StoredChange stored, String policy) {
        return switch (stored.status()) {
            case REVERTED -> ":leftwards_arrow_with_hook: Reverted at once by " + policy
                    + ": the prefix list has its earlier entries again.";
            case QUARANTINED -> ":no_entry: Quarantined by " + policy + ": the prefix list got its earlier entries"
                    + " back at once.";
            case ALREADY_GONE -> ":information_source: " + policy + " would have put the prefix list's earlier"
                    + " entries back, but it already had them.";
            case REVERT_FAILED -> ":x: " + policy + " could not put the prefix list's earlier entries back: "
                    + Mrkdwn.escape(stored.error(), 500) + ". Deny can be clicked once this is fixed.";
            default -> policy + ": " + words(stored.status());
        };
    }

    /** A change a policy acted on, in its group's list: where it stands now, Restore included. */
    static String actedInGroup(StoredChange s, String policy) {
        return switch (s.status()) {
            case QUARANTINED -> ":no_entry: Quarantined by " + policy;
            case REVERTED -> ":leftwards_arrow_with_hook: Reverted by " + policy;
            case ALREADY_GONE -> ":information_source: Already gone when " + policy + " acted";
            case REVERT_FAILED -> ":x: " + policy + " could not remove it: " + Mrkdwn.escape(s.error(), 300);
            case RESTORING -> ":hourglass_flowing_sand: Being restored (" + policy + ")";
            case RESTORED -> ":arrows_counterclockwise: Restored by @"
                    + Mrkdwn.escape(String.valueOf(s.decidedByName()), 100) + " (was " + policy + ")";
            case RESTORE_FAILED -> ":x: Restore failed: " + Mrkdwn.escape(s.error(), 300);
            default -> policy + ": " + words(s.status());
        };
    }

    /** A person's (or a policy's) decision on a change, as the decided message's outcome line. */
    static String decided(Decision decision, StoredChange stored, String at) {
        String who = decision.byPolicy() ? "policy *" + Mrkdwn.escape(decision.userName()) + "*"
                : "@" + Mrkdwn.escape(decision.userName() == null ? decision.userId() : decision.userName());
        return switch (stored.status()) {
            case APPROVED -> decision.kind() == Decision.Kind.EXTEND
                    ? ":arrows_counterclockwise: Extended by " + who + (stored.approvedUntil() != null
                            ? " until " + SlackMessages.until(stored)
                            : ": approved permanently")
                    : stored.approvedUntil() != null
                            ? ":white_check_mark: Approved by " + who + " until "
                                    + SlackMessages.until(stored)
                            : ":white_check_mark: Approved by " + who + " at " + SlackMessages.at(decision.at());
            case REVERTED -> decision.kind() == Decision.Kind.KEEP_OFF
                    ? ":no_entry: Denied by " + who + " at " + at + ": the quarantined rules stay off"
                    : ":leftwards_arrow_with_hook: Reverted by " + who + " at " + at + revertedHow(stored);
            case RESTORED -> ":arrows_counterclockwise: Restored by " + who + " at " + at
                    + (stored.isAttachment() ? ": the group is back on the interface"
                            : stored.isTagging() ? ": the change's tags are set again"
                                    : stored.isPrefixList() ? ": the prefix list has the change's entries again"
                                            : ": the rules are back");
            case RESTORE_FAILED -> ":x: Restore by " + who + " failed: " + Mrkdwn.escape(stored.error(), 500)
                    + ". Restore can be clicked again once this is fixed.";
            case QUARANTINED -> ":no_entry: Quarantined by " + who + " at " + at;
            case ALREADY_GONE -> ":information_source: Denied by " + who + " at " + at + (stored.isTagging()
                    ? ": the group no longer exists, no tags to put back"
                    : stored.isAttachment()
                            ? ": the group was no longer on the interface, nothing left to take off"
                            : stored.isPrefixList()
                                    ? ": the prefix list already had its earlier entries, nothing left to undo"
                                    : ": the rules had already been removed by someone else, nothing left to revert");
            case REVERT_FAILED -> ":x: Revert by " + who + " failed: " + Mrkdwn.escape(stored.error(), 500)
                    + ". Deny can be clicked again once this is fixed.";
            case REVERTING -> ":hourglass_flowing_sand: Denied by " + who + " at " + at + ", reverting…";
            default -> words(stored.status());
        };
    }

    /**
     * What undoing a modification did, as a sentence's subject and verb: "the rule was put back to tcp
     * 6379 from `10.0.0.0/8`" where one rule's earlier form is known.
     */
    static String putBack(StoredChange stored) {
        int n = stored.ruleIds().size();
        long known = stored.ruleIds().stream().filter(stored.earlier()::containsKey).count();
        if (n == 1 && known == 1) {
            sgwarden.change.KnownForm earlier = stored.earlier().get(stored.ruleIds().get(0));
            sgwarden.change.Direction direction = earlier.direction() != null ? earlier.direction()
                    : "EGRESS".equals(stored.direction()) ? sgwarden.change.Direction.EGRESS
                            : sgwarden.change.Direction.INGRESS;
            return "the rule was put back to " + Mrkdwn.escape(earlier.rule().describeTraffic()) + " "
                    + direction.peerPreposition() + " `" + Mrkdwn.code(earlier.rule().peer().describe(), 200) + "`";
        }
        if (known == n) {
            return "the rules were put back in their earlier forms";
        }
        if (known == 0) {
            return n == 1 ? "the rule was removed (its earlier form was not known)"
                    : "the rules were removed (their earlier forms were not known)";
        }
        return "rules with a known earlier form were put back in it, the others removed";
    }

    /** For a modification: whether the rules went back to their earlier forms or were removed. */
    static String revertedHow(StoredChange stored) {
        if (stored.isTagging()) {
            return ": the earlier tags are back";
        }
        if (stored.isAttachment()) {
            return ": the group is off the interface, its rules as they were";
        }
        if (stored.isPrefixList()) {
            return ": the prefix list has its earlier entries again (for every group that uses it)";
        }
        if (!stored.isModification()) {
            return "";
        }
        long known = stored.ruleIds().stream().filter(stored.earlier()::containsKey).count();
        if (known == stored.ruleIds().size()) {
            return known == 1 ? ": the rule is back in its earlier form"
                    : ": the rules are back in their earlier forms";
        }
        if (known == 0) {
            return known == 1 || stored.ruleIds().size() == 1
                    ? ": the rule was removed (its earlier form was not known)"
                    : ": the rules were removed (their earlier forms were not known)";
        }
        return ": rules with a known earlier form are back in it, the others were removed";
    }

    /**
     * A status no outcome line above words, in words rather than as its enum name (REVERT_FAILED is
     * "revert failed"): a person reads these, and a new status must not show as a constant.
     */
    static String words(Status status) {
        return status.words();
    }
}
