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

    private RuleVerdict evaluate(SecurityGroupChange change, Rule rule, Reach reach,
            Supplier<Map<String, String>> tags) {
        PeerKind peer = PeerKind.of(rule.peer(), change.accountId(), reach);
        for (Policy p : file.policies()) {
            if (p.match().matches(change, rule, peer.matchedAs(p.action()), tags)) {
                return new RuleVerdict(rule, peer, p, p.dryRun() ? Action.ASK : p.action(), p.action());
            }
        }
        return new RuleVerdict(rule, peer, null, Action.ASK, Action.ASK);
    }

    /** The group's tags, looked up at most once per change, and only when a policy needs them. */
    private final class OncePerChange implements Supplier<Map<String, String>> {
        private final SecurityGroupChange change;
        private Map<String, String> tags;

        OncePerChange(SecurityGroupChange change) {
            this.change = change;
        }

        @Override
        public Map<String, String> get() {
            if (tags == null) {
                Map<String, String> found = groupTags.of(change.accountId(), change.region(), change.groupId());
                tags = found == null ? Map.of() : found;
            }
            return tags;
        }
    }
}
