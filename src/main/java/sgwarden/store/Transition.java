package sgwarden.store;

import static sgwarden.change.Status.ALREADY_GONE;
import static sgwarden.change.Status.ANNOUNCING;
import static sgwarden.change.Status.APPROVED;
import static sgwarden.change.Status.EXPIRED;
import static sgwarden.change.Status.PENDING;
import static sgwarden.change.Status.QUARANTINED;
import static sgwarden.change.Status.RESTORED;
import static sgwarden.change.Status.RESTORE_FAILED;
import static sgwarden.change.Status.RESTORING;
import static sgwarden.change.Status.REVERTED;
import static sgwarden.change.Status.REVERTING;
import static sgwarden.change.Status.REVERT_FAILED;
import static sgwarden.change.Status.TAMPER_ACKNOWLEDGED;
import static sgwarden.change.Status.TAMPER_ALERTED;
import static sgwarden.change.Status.UNREADABLE;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.change.Status;

/**
 * The lifecycle of an item in the ledger, in one table: every way a status moves, from which states,
 * to which, who causes it, and the history entry it writes. Each status write in the store takes its
 * condition and its new status from here, so a transition the table does not list cannot be written.
 * <p>
 * A transition may also start from a state held too long (a claim, a revert or a restore whose
 * instance died): the caller adds the age test, the table names the state.
 */
public enum Transition {

    /** The ledger claims an event once; a claim left by a dead instance may be taken over. */
    CLAIM(Who.DETECTION, History.NONE, Set.of(), Set.of(ANNOUNCING), ANNOUNCING),
    /** Slack accepted the announcement: open to a decision. */
    ANNOUNCE(Who.DETECTION, History.NONE, Set.of(ANNOUNCING), Set.of(PENDING), null),
    /** A group set that could not be read was told to a person: nothing to decide. */
    TELL_UNREADABLE(Who.DETECTION, History.NONE, Set.of(ANNOUNCING), Set.of(UNREADABLE), null),
    /** A policy acts before anyone decides: approves, or revokes at once (revert, quarantine). */
    POLICY(Who.POLICY, History.DECISION, Set.of(ANNOUNCING, PENDING), Set.of(APPROVED, REVERTING), null),
    /** A person approves (for a time or for good). */
    APPROVE(Who.PERSON, History.DECISION, Set.of(PENDING), Set.of(APPROVED), null),
    /** A person denies; again after a failed revert, or after a revert whose instance died. */
    DENY(Who.PERSON, History.DECISION, Set.of(PENDING, REVERT_FAILED), Set.of(REVERTING), REVERTING),
    /** A person extends an approval for a time that has not been claimed for its expiry. */
    EXTEND(Who.PERSON, History.DECISION, Set.of(APPROVED), Set.of(APPROVED), null),
    /** An approval for a time ends: claimed for its revert by one replica (again if that one died). */
    EXPIRE(Who.TIMER, History.OUTCOME, Set.of(APPROVED), Set.of(EXPIRED), EXPIRED),
    /** A change left undecided past its policy's time is decided by the policy. */
    ESCALATE(Who.POLICY, History.DECISION, Set.of(PENDING), Set.of(APPROVED, REVERTING), null),
    /** The revert of a Deny, a policy or an expiry ended; a quarantine's leaves the change open to a person. */
    REVERT_DONE(Who.SGWARDEN, History.OUTCOME, Set.of(REVERTING, EXPIRED),
            Set.of(REVERTED, ALREADY_GONE, REVERT_FAILED, QUARANTINED), null),
    /** A person restores what a revert removed; again after a failed restore, or one whose instance died. */
    RESTORE(Who.PERSON, History.DECISION, Set.of(REVERTED, QUARANTINED, RESTORE_FAILED), Set.of(RESTORING),
            RESTORING),
    /** A quarantine's Deny: the rules stay off. */
    KEEP_OFF(Who.PERSON, History.DECISION, Set.of(QUARANTINED), Set.of(REVERTED), null),
    /** Putting the rules back ended. */
    RESTORE_DONE(Who.SGWARDEN, History.OUTCOME, Set.of(RESTORING), Set.of(RESTORED, RESTORE_FAILED), null),
    /** Slack accepted a tamper alert on sgwarden's own plumbing. */
    ALERT(Who.DETECTION, History.NONE, Set.of(ANNOUNCING), Set.of(TAMPER_ALERTED), null),
    /** A person acknowledged a tamper alert. */
    ACKNOWLEDGE(Who.PERSON, History.NONE, Set.of(TAMPER_ALERTED), Set.of(TAMPER_ACKNOWLEDGED), null);

    /** Who causes a transition. */
    public enum Who {
        /** an intake: the ledger and the announcement */
        DETECTION,
        /** a person in Slack, on the allow list */
        PERSON,
        /** a policy of the policy file */
        POLICY,
        /** the due-items timer */
        TIMER,
        /** sgwarden itself, finishing what a decision began */
        SGWARDEN
    }

    /** The entry a transition appends to the item's history. */
    public enum History {
        NONE,
        /** who decided what, when */
        DECISION,
        /** what came of it, when, and the error if any */
        OUTCOME
    }

    private final Who who;
    private final History history;
    private final Set<Status> from;
    private final Set<Status> to;
    private final Status fromWhenStale;

    Transition(Who who, History history, Set<Status> from, Set<Status> to, Status fromWhenStale) {
        this.who = who;
        this.history = history;
        this.from = from.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(from));
        this.to = Collections.unmodifiableSet(EnumSet.copyOf(to));
        this.fromWhenStale = fromWhenStale;
    }

    public Who who() {
        return who;
    }

    public History history() {
        return history;
    }

    /** The states it starts from (empty: from no item at all). */
    public Set<Status> from() {
        return from;
    }

    public Set<Status> to() {
        return to;
    }

    /** The state it may also start from once that has been held too long, or null. */
    public Status fromWhenStale() {
        return fromWhenStale;
    }

    /** Whether this transition may move an item in this state (stale: held too long) to that one. */
    public boolean allows(Status current, boolean stale, Status next) {
        return to.contains(next) && (from.contains(current) || stale && current == fromWhenStale);
    }

    /** The new status, refused unless this transition leads there. */
    public AttributeValue target(Status next) {
        if (!to.contains(next)) {
            throw new IllegalStateException(this + " does not lead to " + next + " (only to " + to + ")");
        }
        return Items.s(next.name());
    }

    /**
     * The condition on the item's status (attribute name {@code #status}), its values added to values:
     * {@code #status IN (:from_0, ...)}, and where stale is given, {@code OR (#status = :from_stale AND <stale>)}.
     */
    public String condition(Map<String, AttributeValue> values, String stale) {
        int n = 0;
        StringBuilder in = new StringBuilder();
        for (Status s : from) {
            String key = ":from_" + n++;
            values.put(key, Items.s(s.name()));
            in.append(in.length() == 0 ? "" : ", ").append(key);
        }
        String held = from.isEmpty() ? "" : from.size() == 1 ? "#status = " + in : "#status IN (" + in + ")";
        if (stale == null || fromWhenStale == null) {
            if (held.isEmpty()) {
                throw new IllegalStateException(this + " starts from no item: the caller's condition says so");
            }
            return held;
        }
        values.put(":from_stale", Items.s(fromWhenStale.name()));
        String taken = "(#status = :from_stale AND " + stale + ")";
        return held.isEmpty() ? taken : "(" + held + " OR " + taken + ")";
    }

    /** The whole table, one line each, for the docs and the tests. */
    public static String table() {
        return java.util.Arrays.stream(values())
                .map(t -> t.name() + ": " + (t.from.isEmpty() ? "(none)" : names(t.from))
                        + (t.fromWhenStale == null ? "" : " or " + t.fromWhenStale + " held too long")
                        + " -> " + names(t.to) + " by " + t.who + ", history " + t.history)
                .collect(Collectors.joining("\n"));
    }

    private static String names(Set<Status> states) {
        return states.stream().map(Enum::name).collect(Collectors.joining("|"));
    }
}
