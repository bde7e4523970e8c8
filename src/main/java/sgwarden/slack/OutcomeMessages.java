package sgwarden.slack;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import com.slack.api.model.Message;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Decision;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.names.NameLookup;
import sgwarden.names.Names;

/**
 * The clicked message once decided: the change and the outcome of the click, to replace the
 * announcement through the click's response_url (SlackGateway.respond).
 */
@ApplicationScoped
@Named("outcomeMessages")
public class OutcomeMessages {

    @Inject
    SlackMessages messages;

    @Inject
    Clock clock;
    @Inject
    PolicyMessages policyMessages;
    @Inject
    CloudTrailParser parser;
    @Inject
    NameLookup names;

    /** The announcement with its outcome; Deny stays only where a retry is possible. */
    public Message outcome(@ExchangeProperty("decision") Decision decision,
            @ExchangeProperty("stored") StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        String outcome = outcomeLine(decision, stored, SlackMessages.at(clock.instant()));
        // the replaced message keeps the names the announcement showed (cached, or read again within the bound)
        Names shown = names.of(change);
        List<Map<String, Object>> blocks = messages.decided(change, shown, outcome,
                stored.status() == Status.REVERT_FAILED);
        policyMessages.followUp(blocks, stored);
        // escaped mrkdwn, as this text has always been sent (SlackMessages.message would make it plain)
        Message message = new Message();
        message.setText(Mrkdwn.escape(messages.headline(change, shown)) + " — " + outcome);
        message.setBlocks(new ArrayList<>(blocks.stream().map(WireBlock::new).toList()));
        return message;
    }

    static String outcomeLine(Decision decision, StoredChange stored, String at) {
        String who = decision.byPolicy() ? "policy *" + Mrkdwn.escape(decision.userName()) + "*"
                : "@" + Mrkdwn.escape(decision.userName() == null ? decision.userId() : decision.userName());
        return switch (stored.status()) {
            case APPROVED -> decision.kind() == Decision.Kind.EXTEND
                    ? ":arrows_counterclockwise: Extended by " + who + (stored.approvedUntil() != null
                            ? " until " + SlackMessages.until(stored.approvedUntil())
                            : ": approved permanently")
                    : stored.approvedUntil() != null
                            ? ":white_check_mark: Approved by " + who + " until "
                                    + SlackMessages.until(stored.approvedUntil())
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
            default -> stored.status().name();
        };
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
}
