package sgwarden.policy;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.StoredChange;

/**
 * Which policy, if any, decides a change nobody decided (undecided in the policy file). Deny wins: the
 * deny with the shortest after. Approve only where every rule of the change matched a policy that
 * says approve, and then after the longest of their times, so no rule is approved sooner than its policy
 * says. A dry-run policy decides nothing.
 */
@ApplicationScoped
@Named("escalations")
public class Escalations {

    @Inject
    Policies policies;
    @Inject
    CloudTrailParser parser;

    /** For a change due for its reminder, as stored (the route reads it): its deciding policy, or null. */
    public Policy ofStored(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        return stored == null ? null : of(parser.parse(stored.record(), null).withEarlier(stored.earlier()));
    }

    /** The deciding policy, or null: the change waits for a person, however long. */
    public Policy of(SecurityGroupChange change) {
        List<RuleVerdict> rules = policies.evaluate(change).rules();
        List<Policy> escalating = rules.stream().map(RuleVerdict::policy).filter(Objects::nonNull)
                .filter(p -> p.undecided() != null && !p.dryRun() && p.action() == Action.ASK).distinct().toList();
        Policy deny = escalating.stream().filter(p -> !p.undecided().approve())
                .min(Comparator.comparing(p -> p.undecided().after())).orElse(null);
        if (deny != null) {
            return deny;
        }
        boolean everyRule = !rules.isEmpty() && rules.stream().allMatch(r -> r.policy() != null
                && r.policy().undecided() != null && r.policy().undecided().approve() && !r.policy().dryRun());
        return everyRule ? escalating.stream().max(Comparator.comparing(p -> p.undecided().after())).orElse(null)
                : null;
    }
}
