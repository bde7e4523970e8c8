package sgwarden.policy;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import sgwarden.change.Reach;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * sgwarden's own load balancer security group (sgwarden.own-load-balancer): ECS Express Mode opens 443
 * on it so that Slack reaches the service. Reverting a change there would cut Slack off, and with it
 * every later click, so a change on it is announced with the reason and never reverted. It is known
 * by account and group ID together, as configured: never by a name or a tag, which anyone who may
 * change a group may set, and never by the group ID alone, which a record from another account could
 * claim.
 */
@ApplicationScoped
@Named("ownGroup")
public class OwnGroup {

    /** The name the exemption is recorded under, where a policy's would be; no policy file may use it. */
    public static final String NAME = "sgwarden-own-load-balancer-group";

    /** Why it is exempt, as every message and refusal says it. */
    public static final String WHY = "sgwarden's own load balancer group: reverting it would cut Slack off from"
            + " sgwarden";

    /** Stands where a policy would in the verdict: approves at once and posts the change. */
    static final Policy POLICY = new Policy(NAME, Match.ANY, Action.APPROVE, false, Post.COMPACT, 0);

    @Inject
    Settings settings;

    /** Whether the change is on the own group, in the account that owns it. */
    public boolean is(SecurityGroupChange change) {
        return change != null && is(change.accountId(), change.groupId());
    }

    /** Whether the stored change is on the own group, in the account that owns it. */
    public boolean is(StoredChange stored) {
        return stored != null && is(stored.accountId(), stored.groupId());
    }

    boolean is(String accountId, String groupId) {
        Optional<String> account = trimmed(settings.ownLoadBalancer().account());
        Optional<String> group = trimmed(settings.ownLoadBalancer().securityGroup());
        return account.isPresent() && group.isPresent() && account.get().equals(accountId)
                && group.get().equals(groupId);
    }

    private static Optional<String> trimmed(Optional<String> value) {
        return value.map(String::trim).filter(v -> !v.isEmpty());
    }

    /** The verdict on a change to the own group: every rule approved by the exemption, and posted. */
    public static Verdict verdict(SecurityGroupChange change) {
        List<Reach> reach = Reach.of(change.rules());
        List<RuleVerdict> rules = new java.util.ArrayList<>(change.rules().size());
        for (int i = 0; i < change.rules().size(); i++) {
            rules.add(new RuleVerdict(change.rules().get(i),
                    PeerKind.of(change.rules().get(i).peer(), change.accountId(), reach.get(i)), POLICY,
                    Action.APPROVE, Action.APPROVE));
        }
        return new Verdict(Action.APPROVE, POLICY, null, Post.COMPACT, List.copyOf(rules));
    }
}
