package sgwarden.change;

/**
 * Every exchange property sgwarden sets or reads, by key, each spelled once. They live here, in the
 * domain, because beans of every layer (slack, store, decision, ops, grouping) read or set them and
 * the domain is the one package all of them may depend on; keys are plain strings, so the domain
 * stays free of Camel. Routes read them in simple expressions through routes.Prop. Camel's own
 * properties (Exchange.EXCEPTION_CAUGHT, DUPLICATE_MESSAGE) keep Camel's constants; headers
 * (Counters.INTAKE, PlumbingEvents.KIND) are not properties and stay with their beans.
 */
public final class Keys {

    private Keys() {
    }

    // the change, its verdict and what is decided about it

    /** The change (SecurityGroupChange) while the body is its record or message; attachment, prefix-list, revoke. */
    public static final String CHANGE = "sgwardenPolicyChange";
    /** The policies' Verdict on the change; set by decide-by-policy, read by ledger, counters and messages. */
    public static final String VERDICT = "sgwardenVerdict";
    /** The Names looked up for the change, for its message; set by the policy routes. */
    public static final String NAMES = "names";
    /** The change on its way to Slack with all its message needs (slack.Announcement); policy and group routes. */
    public static final String ANNOUNCEMENT = "sgwardenAnnouncement";
    /** The Decision being carried out: a click, a policy's or an expiry's; set by routes and due-item claims. */
    public static final String DECISION = "decision";
    /** The change as the ledger holds it (StoredChange), after each read or write; routes, due-item claims, Extend. */
    public static final String STORED = "stored";

    // Slack

    /** The ts of the message just posted; set by SlackGateway.post, kept by the ledger. */
    public static final String SLACK_TS = "sgwardenSlackTs";
    /** The channel ID of the message just posted; set by SlackGateway.post, kept by the ledger. */
    public static final String SLACK_CHANNEL = "sgwardenSlackChannel";
    /** The announced message (MessageRef) an update or a thread reply is about; set by the routes. */
    public static final String ANNOUNCED = "sgwardenSlackAnnounced";
    /** One line that says a message better in a thread; set by ExpiryMessages, removed by slack-reply. */
    public static final String THREAD_TEXT = "sgwardenSlackThreadText";
    /** The ts of the reply slack-reply just posted in a thread (bot token), else absent; SlackGateway. */
    public static final String REPLIED = "sgwardenSlackReplied";
    /** The ts of a message in the announcement's thread being brought up to date; set by the routes. */
    public static final String THREAD_MESSAGE = "sgwardenSlackThreadMessage";
    /** The outcome line of the decision just shown, for the thread's messages; set by the message beans. */
    public static final String OUTCOME = "sgwardenOutcome";
    /** True once a click was answered through its response_url (again would overwrite it); SlackGateway. */
    public static final String ANSWERED = "sgwardenSlackAnswered";

    // groups

    /** The ID of the group message being posted or acted on; set by the group routes and Interactions. */
    public static final String GROUP = "sgwardenGroup";
    /** The group as the ledger holds it (GroupRecord), for its message; set by the group routes. */
    public static final String GROUP_RECORD = "groupRecord";
    /** A group's members: Announcements in post-group, StoredChanges in group-decision; set by those routes. */
    public static final String MEMBERS = "sgwardenGroupMembers";
    /** When an open group took its first change (epoch millis); set by GroupWindow on the aggregate. */
    public static final String GROUP_FIRST_AT = "sgwardenGroupFirstAt";
    /** When an open group took its latest change (epoch millis); set by GroupWindow on the aggregate. */
    public static final String GROUP_LAST_AT = "sgwardenGroupLastAt";
    /** What a group digest is about: reminder, notice, expired or escalated; set by the expiry routes. */
    public static final String DIGEST = "sgwardenDigest";

    // expiries and escalations

    /** How long the change waited before its policy decided, as said in Slack ("24 h"); set by EscalationClaims. */
    public static final String UNDECIDED_FOR = "sgwardenUndecidedFor";
    /** The Policy that decides a reminded change if nobody does (absent if none); set by the reminder route. */
    public static final String ESCALATING = "sgwardenEscalating";
    /** When that policy will decide (Instant); set by Reminders with the reminder. */
    public static final String ESCALATE_AT = "sgwardenEscalateAt";

    // detection

    /** Whether this detection run was halted (AtomicBoolean shared by its splits); set by the detection route. */
    public static final String HALTED = "sgwardenRunHalted";
    /** The change recognized as sgwarden's own write (OwnWrite.Recognized) or null; set by the detection route. */
    public static final String OWN_WRITE = "sgwardenOwnWrite";
    /** Whom a change poses as that claims to be sgwarden's own write but is not, or null; detection route. */
    public static final String POSING = "sgwardenPosing";

    // plumbing

    /** The tamper event being announced, kept while the body is its message; set by the plumbing routes. */
    public static final String TAMPER = "tamper";
    /** The heartbeat back after a silence, kept for the audit line; set by the plumbing routes. */
    public static final String BACK = "back";
    /** The silence being announced, kept while the body is its message; set by the plumbing routes. */
    public static final String SILENCE = "silence";
    /** The due time the silence was claimed under, to release it once posted; set by PlumbingRecords. */
    public static final String SILENCE_DUE = "silenceDue";
}
