package sgwarden.grouping;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.names.NameLookup;
import sgwarden.names.Names;
import sgwarden.ops.Counters;
import sgwarden.policy.Action;
import sgwarden.policy.OwnGroup;
import sgwarden.policy.Policies;
import sgwarden.policy.PolicyDecisions;
import sgwarden.policy.Post;
import sgwarden.policy.Verdict;
import sgwarden.slack.Announcement;
import sgwarden.store.AnnouncementQueue;
import sgwarden.store.GroupStore;
import sgwarden.store.GroupStore.GroupRecord;

/**
 * Moves a change between the exchange that found it and the group it waits in: packs what its
 * message needs into one Announcement (carried under Keys.ANNOUNCEMENT), holds it in the table
 * while its window is open, takes it back out for the message, and carries it on an exchange again
 * when it is posted as one of a group's or alone.
 */
@ApplicationScoped
@Named("announcements")
public class Announcements {

    @Inject
    AnnouncementQueue queue;

    @Inject
    Clock clock;
    @Inject
    GroupStore groups;
    @Inject
    CloudTrailParser parser;
    @Inject
    Policies policies;
    @Inject
    PolicyDecisions policyDecisions;
    @Inject
    NameLookup names;
    @Inject
    Settings settings;
    @Inject
    OwnGroup ownGroup;

    /** A change asked about (Approve and Deny), on its way to Slack; the change is the body. */
    public Announcement ask(@Body SecurityGroupChange change, Exchange exchange) {
        return inFlight(Announcement.Kind.ASK, change, exchange);
    }

    /** A change approved by a policy that posts a compact line; the change is the body. */
    public Announcement approved(@Body SecurityGroupChange change, Exchange exchange) {
        return inFlight(Announcement.Kind.APPROVED, change, exchange);
    }

    /** A change a policy revoked at once; by now the body is the revert's outcome, the change kept aside. */
    public Announcement acted(@ExchangeProperty(Keys.CHANGE) SecurityGroupChange change, Exchange exchange) {
        return inFlight(Announcement.Kind.ACTED, change, exchange);
    }

    /** What the change's message and its bookkeeping read, as the flow that judged it left them. */
    private static Announcement inFlight(Announcement.Kind kind, SecurityGroupChange change, Exchange exchange) {
        return new Announcement(kind, change, exchange.getProperty(Keys.VERDICT, Verdict.class),
                exchange.getProperty(Keys.NAMES, Names.class), exchange.getProperty(Keys.DECISION, Decision.class),
                exchange.getProperty(Keys.STORED, StoredChange.class),
                exchange.getMessage().getHeader(Counters.INTAKE, String.class), 0);
    }

    /** The change just stored and judged, held in the table until its group is announced. */
    public Announcement hold(@ExchangeProperty(Keys.ANNOUNCEMENT) Announcement announcement) {
        return announcement.withDue(queue.hold(announcement.changeId()));
    }

    /**
     * The group's changes that are still this instance's to announce (each taken once, across
     * replicas). A name not known in time when the change arrived is looked up again: the lookup went
     * on while the group was open, so it is in the cache by now, and the message names what it can.
     */
    public List<Announcement> take(@Body List<Announcement> group) {
        List<Announcement> kept = new ArrayList<>();
        for (Announcement a : group) {
            if (queue.take(a.changeId(), a.due())) {
                kept.add(a.names() == null || !a.names().complete() ? a.withNames(names.of(a.change())) : a);
            }
        }
        return kept;
    }

    /**
     * Carries one change of a group on as the exchange's announcement, the change its body. The
     * decision and the ledger's record go back on the exchange as well: the ledger's and the audit's
     * beans read them there in every flow, not only this one.
     */
    public SecurityGroupChange restore(@Body Announcement a, Exchange exchange) {
        exchange.setProperty(Keys.ANNOUNCEMENT, a);
        exchange.setProperty(Keys.DECISION, a.decision());
        exchange.setProperty(Keys.STORED, a.stored());
        exchange.getMessage().setHeader(Counters.INTAKE, a.intake());
        return a.change();
    }

    /**
     * A change left waiting past its due time by an instance that died inside the window: taken back
     * (once, across replicas) into a window of this one. Null where another replica took it.
     */
    public Announcement recover(@Body Map<String, AttributeValue> item) {
        AnnouncementQueue.Waiting waiting = queue.retake(item);
        if (waiting == null) {
            return null;
        }
        StoredChange stored = waiting.stored();
        SecurityGroupChange change = parser.parse(stored.record(), "recovered").withEarlier(stored.earlier());
        Verdict verdict = policies.evaluate(change);
        Announcement.Kind kind = kindOf(stored, verdict);
        Decision decision = kind == Announcement.Kind.ASK ? null
                : kind == Announcement.Kind.APPROVED && stored.decision() == null ? policyDecisions.of(change, verdict)
                        : null;
        return new Announcement(kind, change, verdict, names.of(change), decision, stored, "recovered",
                waiting.due());
    }

    /** Stores the group about to be posted; its ID goes on the buttons. */
    /** The changes a group message announced, for the audit line. */
    public List<SecurityGroupChange> changes(@Body List<Announcement> members) {
        return members.stream().map(Announcement::change).toList();
    }

    public String openGroup(@Body List<Announcement> members) {
        Announcement first = members.get(0);
        return groups.create(members.stream().map(Announcement::changeId).toList(),
                first.change().actor().principalArn(), first.change().accountId());
    }

    /** A posted group's changes as the ledger holds them now, for the message to show their state. */
    public List<Announcement> ofGroup(@ExchangeProperty(Keys.GROUP) String groupId) {
        GroupRecord group = groups.find(groupId);
        List<Announcement> out = new ArrayList<>();
        for (StoredChange stored : groups.members(group)) {
            SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
            Verdict verdict = policies.evaluate(change);
            out.add(new Announcement(kindOf(stored, verdict), change, verdict, names.of(change), null, stored, null,
                    0));
        }
        return out;
    }

    /** The changes of a group that a group decision applies to, each as its own decision. */
    public List<Decision> decisionsFor(@ExchangeProperty(Keys.DECISION) Decision groupDecision,
            @ExchangeProperty(Keys.GROUP) String groupId) {
        GroupRecord group = groups.find(groupId);
        Decision.Kind each = switch (groupDecision.kind()) {
            case APPROVE_ALL -> Decision.Kind.APPROVE;
            case EXTEND_ALL -> Decision.Kind.EXTEND;
            default -> Decision.Kind.DENY;
        };
        List<Decision> out = new ArrayList<>();
        for (StoredChange stored : groups.members(group)) {
            boolean asked = stored.decidedBy() == null || !stored.decidedBy().startsWith(Decision.POLICY_PREFIX);
            boolean applies = switch (groupDecision.kind()) {
                // a revert whose instance died mid-way (REVERTING too long) is retried as a failed one
                case DENY_FAILED -> stored.status() == Status.REVERT_FAILED
                        || stored.revertStuck(settings.revert().stuckAfter(), clock.instant());
                case EXTEND_ALL -> stored.status() == Status.APPROVED && stored.approvedUntil() != null;
                default -> stored.status() == Status.PENDING;
            };
            // Deny all never reverts sgwarden's own load balancer group (announced before it was configured)
            boolean deniable = each != Decision.Kind.DENY || !ownGroup.is(stored);
            if (asked && applies && deniable) {
                out.add(groupDecision.forChange(stored.changeId(), each));
            }
        }
        return out;
    }

    /**
     * Approve all, Deny all, Deny again and Extend all apply to some change of the group, or are refused:
     * a click on an older copy of the buttons (a digest in the thread) once nothing is left for them
     * changes nothing, the group message's last action included.
     */
    public void checkApplies(@ExchangeProperty(Keys.DECISION) Decision groupDecision,
            @ExchangeProperty(Keys.GROUP) String groupId) {
        if (decisionsFor(groupDecision, groupId).isEmpty()) {
            throw new DecisionRefusedException(switch (groupDecision.kind()) {
                case EXTEND_ALL -> "No approval of this group is running any more, so nothing was extended.";
                case DENY_FAILED -> "No revert of this group is left to retry.";
                default -> "No change of this group is left waiting for a decision, so nothing was changed.";
            } + " The group message shows where each change stands.");
        }
    }

    /** The changes of a group still waiting for a decision and not yet posted alone, to be posted each alone. */
    public List<Announcement> stillOpen(@ExchangeProperty(Keys.GROUP) String groupId) {
        return ofGroup(groupId).stream().filter(a -> a.kind() == Announcement.Kind.ASK
                && a.stored().status() == Status.PENDING && a.stored().announcedIn() != null).toList();
    }

    /** Decide one by one with nothing left to post alone: the person is told, and nothing is posted. */
    public void checkOneByOne(@ExchangeProperty(Keys.GROUP) String groupId) {
        if (stillOpen(groupId).isEmpty()) {
            GroupRecord group = groups.find(groupId);
            throw new DecisionRefusedException(group.oneByOneBy() != null
                    ? "@" + group.oneByOneBy() + " already asked for these changes one by one; each has its own"
                            + " message below."
                    : "No change of this group is left waiting for a decision.");
        }
    }

    /**
     * Why the change was posted, from what its policies decided when it was found: a policy's revoke
     * stays one also once a person restored it; an ask stays one also once its policy decided it
     * after it was left undecided.
     */
    static Announcement.Kind kindOf(StoredChange stored, Verdict verdict) {
        if (stored.revokedByPolicy() && stored.status() != Status.ANNOUNCING) {
            return Announcement.Kind.ACTED;
        }
        String action = stored.policyAction() != null ? stored.policyAction() : verdict.action().name();
        if (Action.APPROVE.name().equals(action) && verdict.post() == Post.COMPACT) {
            return Announcement.Kind.APPROVED;
        }
        return Announcement.Kind.ASK;
    }
}
