package sgwarden.policy;

import sgwarden.change.Rule;

/**
 * What the policies made of one rule. policy is the first policy it matched (null: none, so the
 * rule asks). action is what is done; policyAction what the policy says, which differs from action
 * only under dryRun. tagsUnread is the first policy on tags that could not be applied because the
 * group's tags could not be read (null: none, or it could not have made the outcome stricter).
 * notApproved: the first approve policy not applied because a tag it needs is not approved yet.
 */
public record RuleVerdict(Rule rule, PeerKind peer, Policy policy, Action action, Action policyAction,
        Policy tagsUnread, NotApproved notApproved) {

    /**
     * An approve policy that matched the group's tags as they are, but not as approved: tags (as
     * "team=platform") set since and not yet approved by a person.
     */
    public record NotApproved(Policy policy, String tags) {
    }

    public RuleVerdict(Rule rule, PeerKind peer, Policy policy, Action action, Action policyAction,
            Policy tagsUnread) {
        this(rule, peer, policy, action, policyAction, tagsUnread, null);
    }

    public RuleVerdict(Rule rule, PeerKind peer, Policy policy, Action action, Action policyAction) {
        this(rule, peer, policy, action, policyAction, null);
    }

    public boolean dryRun() {
        return policy != null && policy.dryRun();
    }

    public String policyName() {
        return policy == null ? null : policy.name();
    }
}
