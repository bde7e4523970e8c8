package sgwarden.slack;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.policy.Policy;

/**
 * The line a group's digest opens with: what the due-items timer did to the group's changes (the
 * reminder, the Extend notice, the expiry, or the policy's decision on changes left undecided), said
 * once for the group rather than once per change.
 */
@ApplicationScoped
public class GroupDigest {

    @Inject
    Clock clock;
    @Inject
    Settings settings;

    /**
     * @param kind reminder, notice, expired or escalated
     * @param last the change whose due item set the digest off: its approver, expiry or deciding policy
     */
    String head(String kind, StoredChange last, String undecidedFor, Policy escalating, Instant at) {
        String escalation = ExpiryMessages.escalationNote(escalating, at);
        String approver = last == null ? "?" : ExpiryMessages.approver(last);
        return switch (String.valueOf(kind)) {
            case "reminder" -> mention() + ":bell: Still undecided after " + ExpiryMessages.hours(
                    settings.reminder().after()) + ": these changes wait for a decision."
                    + (escalation == null ? "" : " " + escalation);
            case "notice" -> ":hourglass_flowing_sand: The approval of these changes by " + approver + " ends "
                    + (last == null || last.approvedUntil() == null ? "soon"
                            : SlackMessages.until(last))
                    + ". Extend them?";
            case "expired" -> ":alarm_clock: The approval of these changes by " + approver + " for "
                    + (last == null ? "?" : Mrkdwn.escape(String.valueOf(last.approvedFor()), 50)) + " ended at "
                    + SlackMessages.at(clock.instant()) + ": their rules were reverted.";
            default -> ":scroll: Left undecided for " + Mrkdwn.escape(String.valueOf(undecidedFor), 50)
                    + ": decided by policy *" + Mrkdwn.escape(last == null ? "?" : String.valueOf(last.decidedByName()),
                            100)
                    + "*.";
        };
    }

    private String mention() {
        return settings == null ? ""
                : settings.reminder().userGroup().map(String::trim).filter(g -> !g.isEmpty())
                        .map(g -> "<!subteam^" + g + "> ").orElse("");
    }
}
