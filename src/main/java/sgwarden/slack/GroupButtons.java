package sgwarden.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.Status;
import sgwarden.store.GroupStore.GroupRecord;

/**
 * A group message's buttons: Approve all (for each duration every open change allows), Deny all,
 * Decide one by one, Deny again for the failures, and Extend all on an Extend notice. A click is read
 * back by its action_id (Interactions).
 */
@ApplicationScoped
public class GroupButtons {

    public static final String APPROVE_ALL = "sgwarden_group_approve";
    /** Approve all for a time: the action_id ends with the duration's code. */
    public static final String APPROVE_ALL_FOR = "sgwarden_group_approve_for_";
    public static final String DENY_ALL = "sgwarden_group_deny";
    public static final String DENY_FAILED = "sgwarden_group_deny_again";
    public static final String ONE_BY_ONE = "sgwarden_group_one_by_one";
    /** Extend all for a time, on a group's Extend notice: the action_id ends with the duration's code. */
    public static final String EXTEND_ALL_FOR = "sgwarden_group_extend_for_";

    @Inject
    SlackMessages messages;
    @Inject
    GroupTally tally;

    /** Approve all (for each duration every change allows), Deny all, Decide one by one; Deny again for failures. */
    Map<String, Object> actions(List<Announcement> asked, GroupRecord group, String block, String groupId) {
        List<Announcement> open = asked.stream()
                .filter(a -> a.stored() == null || a.stored().status() == Status.PENDING
                        || a.stored().status() == Status.ANNOUNCING)
                .toList();
        long failed = asked.stream().filter(tally::failed).count();
        List<Object> buttons = new ArrayList<>();
        // after Decide one by one the changes still open may be decided all at once too
        if (!open.isEmpty()) {
            List<ApprovalDuration> offered = offeredToAll(open);
            for (ApprovalDuration d : offered) {
                if (d.permanent()) {
                    buttons.add(
                            Buttons.button(APPROVE_ALL, offered.size() == 1 ? "Approve all" : "Approve all permanently",
                                    groupId, buttons.isEmpty() ? "primary" : null, null));
                } else {
                    buttons.add(Buttons.button(APPROVE_ALL_FOR + d.code(), "Approve all for " + d.label(), groupId,
                            buttons.isEmpty() ? "primary" : null, null));
                }
            }
            long rules = open.stream().mapToLong(a -> a.change().rules().size()).sum();
            long sgs = open.stream().map(a -> a.change().groupId()).distinct().count();
            String removes = "Deny all removes " + GroupTally.count(rules, "rule") + " from "
                    + GroupTally.count(sgs, "security group")
                    + " (a modified rule goes back to its earlier form where it is known). Each change is decided"
                    + " alone; one decided already stays as it is.";
            buttons.add(Buttons.button(DENY_ALL, "Deny all", groupId, "danger",
                    Buttons.confirm("Revert " + GroupTally.count(open.size(), "change") + "?", removes, "Deny all",
                            true)));
            if (open.stream().filter(GroupTally::inGroup).count() > 1) {
                buttons.add(Buttons.button(ONE_BY_ONE, "Decide one by one", groupId, null, null));
            }
        }
        if (failed > 0) {
            buttons.add(Buttons.button(DENY_FAILED, "Deny again (" + failed + " failed)", groupId, "danger",
                    Buttons.confirm("Retry the failed reverts?", "Deny again retries the "
                            + GroupTally.count(failed, "change") + " whose revert failed, and nothing else.",
                            "Deny again", true)));
        }
        if (buttons.isEmpty()) {
            return null;
        }
        return Map.of("type", "actions", "block_id", block, "elements", buttons);
    }

    /** Extend all, for each duration every running approval of the group allows. */
    Map<String, Object> extendAll(List<Announcement> members, String groupId) {
        List<Announcement> running = members.stream().filter(a -> a.kind() == Announcement.Kind.ASK
                && a.stored() != null && a.stored().status() == Status.APPROVED && a.stored().approvedUntil() != null)
                .toList();
        if (running.isEmpty()) {
            return null;
        }
        List<Object> buttons = new ArrayList<>();
        for (ApprovalDuration d : offeredToAll(running)) {
            buttons.add(Buttons.button(EXTEND_ALL_FOR + d.code(), d.permanent() ? "Approve all permanently"
                    : "Extend all " + d.label(), groupId, buttons.isEmpty() ? "primary" : null, null));
        }
        return buttons.isEmpty() ? null
                : Map.of("type", "actions", "block_id", GroupMessages.BLOCK_PREFIX + groupId + ":extend", "elements",
                        buttons);
    }

    /** The durations every open change allows: the strictest policy cap among them wins. */
    private List<ApprovalDuration> offeredToAll(List<Announcement> open) {
        List<ApprovalDuration> offered = null;
        for (Announcement a : open) {
            List<ApprovalDuration> mine = messages.offered(a.change());
            offered = offered == null ? new ArrayList<>(mine)
                    : new ArrayList<>(offered.stream().filter(d -> mine.stream()
                            .anyMatch(m -> m.code().equals(d.code()))).toList());
        }
        return offered == null ? List.of() : offered;
    }
}
