package sgwarden.policy;

import java.util.Map;

/**
 * The tags of a security group. Tags are not in the CloudTrail record, so they come from AWS
 * (DescribeSecurityGroups through the spoke role). Evaluation asks at most once per change, and
 * only when it reaches a policy whose match names tags.
 */
@FunctionalInterface
public interface GroupTags {

    /**
     * The group's tags, key to value; empty when it has none; null when they cannot be read (the
     * role refused, AWS was slow, the group is gone). A policy on tags then fails closed: see
     * PolicyEvaluator.
     */
    Map<String, String> of(String accountId, String region, String groupId);

    /** For when tags cannot be looked up (explain without --tags): every group has no tags. */
    GroupTags NONE = (account, region, group) -> Map.of();
}
