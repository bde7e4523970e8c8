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

    public PolicyEvaluator(PolicyFile file, GroupTags groupTags) {
        this.file = file;
        this.groupTags = groupTags;
    }

    public PolicyFile file() {
        return file;
    }

    public Verdict evaluate(SecurityGroupChange change) {
        Supplier<Map<String, String>> tags = new OncePerChange(change);
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
            Supplier<Map<String, String>> tags) {
        PeerKind peer = PeerKind.of(rule.peer(), change.accountId(), reach);
        Policy unread = null;
        for (Policy p : file.policies()) {
            Match.Outcome o = p.match().test(change, rule, peer.matchedAs(p.action()), tags);
            if (o == Match.Outcome.UNKNOWN && !p.dryRun()) {
                if (unread == null || (acting(unread) == Action.APPROVE && acting(p) != Action.APPROVE)) {
                    unread = p;
                }
            } else if (o == Match.Outcome.YES) {
                Action action = acting(p);
                if (unread != null && action == Action.APPROVE) {
                    return acting(unread) == Action.APPROVE ? new RuleVerdict(rule, peer, p, action, p.action())
                            : new RuleVerdict(rule, peer, null, Action.ASK, Action.ASK, unread);
                }
                return new RuleVerdict(rule, peer, p, action, p.action(), unread);
            }
        }
        return new RuleVerdict(rule, peer, null, Action.ASK, Action.ASK, unread);
    }

    /** What a policy does when it matches: a dry-run policy asks. */
    private static Action acting(Policy p) {
        return p.dryRun() ? Action.ASK : p.action();
    }

    /** The group's tags, looked up at most once per change, and only when a policy needs them. */
    private final class OncePerChange implements Supplier<Map<String, String>> {
        private final SecurityGroupChange change;
        private Map<String, String> tags;

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
            }
            return tags;
        }
    }
}
