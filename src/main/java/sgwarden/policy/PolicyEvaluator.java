package sgwarden.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import sgwarden.change.Reach;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;

/** Gives each rule of a change the action of the first policy it matches, and the change the strictest. */
public final class PolicyEvaluator {

    private final PolicyFile file;
    private final GroupTags groupTags;
    private final ApprovedTags approvedTags;

    public PolicyEvaluator(PolicyFile file, GroupTags groupTags) {
        this(file, groupTags, ApprovedTags.ALL);
    }

    /** approvedTags: what approve policies may count of the tags (ApprovedTags); stricter policies see them all. */
    public PolicyEvaluator(PolicyFile file, GroupTags groupTags, ApprovedTags approvedTags) {
        this.file = file;
        this.groupTags = groupTags;
        this.approvedTags = approvedTags;
    }

    public PolicyFile file() {
        return file;
    }

    public Verdict evaluate(SecurityGroupChange change) {
        OncePerChange tags = new OncePerChange(change);
        List<RuleVerdict> rules = new ArrayList<>(change.rules().size());
        Action action = null;
        Action wouldBe = null;
        boolean dryRun = false;
        List<Reach> reach = Reach.of(change.rules());
        for (int i = 0; i < change.rules().size(); i++) {
            RuleVerdict v = evaluate(change, change.rules().get(i), reach.get(i), tags);
            rules.add(v);
            action = v.action().stricter(action);
            wouldBe = v.policyAction().stricter(wouldBe);
            dryRun |= v.dryRun();
        }
        if (action == null) {
            action = Action.ASK;
        }
        Policy policy = null;
        Post post = null;
        for (RuleVerdict v : rules) {
            if (policy == null && v.action() == action) {
                policy = v.policy();
            }
            if (action == Action.APPROVE && v.policy() != null) {
                post = post == Post.COMPACT ? post : v.policy().post();
            }
        }
        return new Verdict(action, policy, dryRun ? wouldBe : null, post, List.copyOf(rules));
    }

    /**
     * The first policy the rule matches. A policy on tags that cannot be read is neither matched nor
     * skipped silently: evaluation goes on, and if it ends in an approval while that policy would have
     * done something stricter, the rule asks instead, with no policy, naming the policy it could not
     * apply. Fail closed: the change goes to a person, and the message says why.
     */
    private RuleVerdict evaluate(SecurityGroupChange change, Rule rule, Reach reach,
            OncePerChange tags) {
        PeerKind peer = PeerKind.of(rule.peer(), change.accountId(), reach);
        Policy unread = null;
        RuleVerdict.NotApproved notApproved = null;
        for (Policy p : file.policies()) {
            boolean approve = acting(p) == Action.APPROVE && p.match().usesTags();
            Match.Outcome o = p.match().test(change, rule, peer.matchedAs(p.action()),
                    approve ? tags::approved : tags);
            if (approve && o == Match.Outcome.NO && notApproved == null
                    && p.match().test(change, rule, peer.matchedAs(p.action()), tags) == Match.Outcome.YES) {
                // the tags as they are would approve: a tag it needs was set and not approved since
                notApproved = new RuleVerdict.NotApproved(p, tags.unapproved(p.match()));
            }
            if (o == Match.Outcome.UNKNOWN && !p.dryRun()) {
                if (unread == null || (acting(unread) == Action.APPROVE && acting(p) != Action.APPROVE)) {
                    unread = p;
                }
            } else if (o == Match.Outcome.YES) {
                Action action = acting(p);
                if (unread != null && action == Action.APPROVE) {
                    return acting(unread) == Action.APPROVE ? new RuleVerdict(rule, peer, p, action, p.action())
                            : new RuleVerdict(rule, peer, null, Action.ASK, Action.ASK, unread, notApproved);
                }
                return new RuleVerdict(rule, peer, p, action, p.action(), unread, notApproved);
            }
        }
        return new RuleVerdict(rule, peer, null, Action.ASK, Action.ASK, unread, notApproved);
    }

    /** What a policy does when it matches: a dry-run policy asks. */
    private static Action acting(Policy p) {
        return p.dryRun() ? Action.ASK : p.action();
    }

    /** The group's tags, looked up at most once per change, and only when a policy needs them. */
    private final class OncePerChange implements Supplier<Map<String, String>> {
        private final SecurityGroupChange change;
        private Map<String, String> tags;
        private Map<String, String> approved;
        private boolean approvedRead;

        /** Of the tags, those approved (ApprovedTags); null when the tags cannot be read. */
        Map<String, String> approved() {
            Map<String, String> now = get();
            if (!approvedRead) {
                approvedRead = true;
                approved = now == null ? null
                        : approvedTags.of(change.accountId(), change.region(), change.groupId(), now);
            }
            return approved;
        }

        /** "team=platform": the tags the match names that are set now but not approved. */
        String unapproved(Match match) {
            Map<String, String> now = get();
            Map<String, String> ok = approved();
            return String.join(", ", match.tags().keySet().stream().sorted()
                    .filter(k -> now.get(k) != null && !now.get(k).equals(ok.get(k)))
                    .map(k -> k + "=" + now.get(k)).toList());
        }

        OncePerChange(SecurityGroupChange change) {
            this.change = change;
        }

        private boolean read;

        /** null when the tags cannot be read; asked once either way. */
        @Override
        public Map<String, String> get() {
            if (!read) {
                tags = groupTags.of(change.accountId(), change.region(), change.groupId());
                read = true;
                // the first time sgwarden reads a group's tags, the ledger meets the group
                approved();
            }
            return tags;
        }
    }
}
