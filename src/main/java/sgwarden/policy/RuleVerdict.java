package sgwarden.policy;

import sgwarden.change.Rule;

/**
 * What the policies made of one rule. policy is the first policy it matched (null: none, so the
 * rule asks). action is what is done; policyAction what the policy says, which differs from action
 * only under dryRun.
 */
public record RuleVerdict(Rule rule, PeerKind peer, Policy policy, Action action, Action policyAction) {

    public boolean dryRun() {
        return policy != null && policy.dryRun();
    }

    public String policyName() {
        return policy == null ? null : policy.name();
    }
}
