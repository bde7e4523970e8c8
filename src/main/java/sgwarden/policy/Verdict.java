package sgwarden.policy;

import java.util.List;

/**
 * What the policies made of a change: the strictest action over its rules (revert > quarantine >
 * ask > approve), the policy that gave it, and each rule with the policy it matched.
 *
 * @param action   what is done with the change
 * @param policy   the policy that set the action (the first rule's with that action); null when no
 *                 rule matched a policy with that action, i.e. the default ask
 * @param wouldBe  under dry run, what would have been done without it; null when no rule matched a
 *                 dry-run policy
 * @param post     for approve: compact when any approving policy wants a message, none when none does
 */
public record Verdict(Action action, Policy policy, Action wouldBe, Post post, List<RuleVerdict> rules) {

    public String policyName() {
        return policy == null ? null : policy.name();
    }

    /** Approved because the change is on sgwarden's own load balancer group (OwnGroup), not by a policy. */
    public boolean ownGroup() {
        return policy == OwnGroup.POLICY;
    }

    public boolean dryRun() {
        return wouldBe != null;
    }

    /** Approve policies not applied because a tag they need is not approved yet (first per policy). */
    public List<RuleVerdict.NotApproved> notApproved() {
        return rules.stream().map(RuleVerdict::notApproved).filter(java.util.Objects::nonNull)
                .filter(n -> action != Action.APPROVE).distinct().toList();
    }

    /** The policies on tags that could not be applied because the group's tags could not be read. */
    public List<Policy> tagsUnread() {
        return rules.stream().map(RuleVerdict::tagsUnread).filter(java.util.Objects::nonNull).distinct().toList();
    }
}
