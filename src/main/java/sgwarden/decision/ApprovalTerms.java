package sgwarden.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;
import sgwarden.policy.Policies;
import sgwarden.policy.Policy;
import sgwarden.policy.RuleVerdict;

/**
 * What Approve may be for: the configured durations, within the caps of the policies that matched
 * the change's rules (the shortest maxApproval; permanently only if none forbids it). The message
 * offers only those, and a click for anything else (an old message, a forged click) is refused.
 */
@ApplicationScoped
@Named("approvalTerms")
public class ApprovalTerms {

    public static final List<String> DEFAULTS = List.of("1h", "8h", "24h", "7d", ApprovalDuration.PERMANENT);

    @Inject
    Settings settings;
    @Inject
    Policies policies;
    @Inject
    CloudTrailParser parser;

    public List<ApprovalDuration> configured() {
        return (settings == null ? DEFAULTS : settings.approval().durations()).stream().map(ApprovalDuration::parse)
                .toList();
    }

    /** The policies with a cap that matched a rule of the change. */
    List<Policy> capping(SecurityGroupChange change) {
        if (policies == null) {
            return List.of();
        }
        return policies.evaluate(change).rules().stream().map(RuleVerdict::policy).filter(Objects::nonNull)
                .filter(p -> p.maxApproval() != null || !p.allowPermanent()).distinct().toList();
    }

    public List<ApprovalDuration> offered(SecurityGroupChange change) {
        List<Policy> caps = capping(change);
        List<ApprovalDuration> out = new ArrayList<>();
        for (ApprovalDuration d : configured()) {
            if (refusal(d, caps) == null) {
                out.add(d);
            }
        }
        return out;
    }

    /** Why a policy refuses this choice, or null. */
    static String refusal(ApprovalDuration d, List<Policy> caps) {
        for (Policy p : caps) {
            if (d.permanent() && !p.allowPermanent()) {
                return "policy '" + p.name() + "' does not allow approving these rules permanently";
            }
            if (d.permanent() && p.maxApproval() != null) {
                return "policy '" + p.name() + "' allows approving these rules for at most " + p.maxApproval().label();
            }
            if (!d.permanent() && p.maxApproval() != null && d.duration().compareTo(p.maxApproval().duration()) > 0) {
                return "policy '" + p.name() + "' allows approving these rules for at most " + p.maxApproval().label();
            }
        }
        return null;
    }

    /** The stored change is read by the route and handed in: decision judges, it does not read the table. */
    public void check(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.STORED) StoredChange stored) {
        ApprovalDuration chosen = decision.approvalFor();
        String what = (decision.kind() == Decision.Kind.EXTEND ? "Extending " : "Approving ")
                + (chosen.permanent() ? "permanently" : "for " + chosen.label());
        if (configured().stream().noneMatch(d -> d.code().equals(chosen.code()))) {
            throw new DecisionRefusedException(what + " is not offered any more, so nothing was changed."
                    + " Choose one of: " + labels(configured()) + ".");
        }
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        List<Policy> caps = capping(change);
        String why = refusal(chosen, caps);
        if (why != null) {
            List<ApprovalDuration> allowed = configured().stream().filter(d -> refusal(d, caps) == null).toList();
            throw new DecisionRefusedException(what + " is refused: " + why + ", so nothing was changed."
                    + (allowed.isEmpty() ? " Ask the security team." : " Choose one of: " + labels(allowed) + "."));
        }
    }

    /**
     * Approve all: the duration must be one every open change of the group allows. A choice some
     * change's policy forbids is refused for the whole group, before anything is recorded.
     */
    public void checkGroup(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.MEMBERS) List<StoredChange> members) {
        ApprovalDuration chosen = decision.approvalFor();
        String what = chosen.permanent() ? "permanently" : "for " + chosen.label();
        String verb = decision.kind() == Decision.Kind.EXTEND_ALL ? "Extending all " : "Approving all ";
        if (configured().stream().noneMatch(d -> d.code().equals(chosen.code()))) {
            throw new DecisionRefusedException(verb + what + " is not offered any more, so nothing was changed."
                    + " Choose one of: " + labels(configured()) + ".");
        }
        List<Policy> caps = new ArrayList<>();
        for (StoredChange stored : members) {
            // Approve all applies to the changes still open, Extend all to the approvals still running
            boolean applies = decision.kind() == Decision.Kind.EXTEND_ALL
                    ? stored.status() == Status.APPROVED && stored.approvedUntil() != null
                    : stored.status() == Status.PENDING;
            if (applies) {
                caps.addAll(capping(parser.parse(stored.record(), null).withEarlier(stored.earlier())));
            }
        }
        String why = refusal(chosen, caps);
        if (why != null) {
            List<ApprovalDuration> allowed = configured().stream().filter(d -> refusal(d, caps) == null).toList();
            throw new DecisionRefusedException(verb + what + " is refused: " + why
                    + ", so nothing was changed." + (allowed.isEmpty() ? " Ask the security team."
                            : " Choose one of: " + labels(allowed) + "."));
        }
    }

    private static String labels(List<ApprovalDuration> durations) {
        return String.join(", ", durations.stream().map(d -> d.permanent() ? "permanently" : d.label()).toList());
    }
}
