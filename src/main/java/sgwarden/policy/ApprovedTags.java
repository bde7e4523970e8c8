package sgwarden.policy;

import java.util.Map;

/**
 * The tags an approve policy may count: of the group's tags now, those a person approved (or that
 * sgwarden found when it first saw the group). A tag set since, and not yet approved, does not make
 * an approve policy match: an insider who may tag a group cannot switch an approval on by tagging.
 */
@FunctionalInterface
public interface ApprovedTags {

    /** Of current (never null), the tags that are approved for this group. */
    Map<String, String> of(String accountId, String region, String groupId, Map<String, String> current);

    /** No ledger (explain): every tag counts as it is. */
    ApprovedTags ALL = (account, region, group, current) -> current;
}
