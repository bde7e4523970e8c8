package sgwarden.policy;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;

/**
 * A policy's decision on a change, in the shape of a person's click, so that the revert and the
 * ledger treat both alike. The policy's name stands where the Slack user would; there is no
 * response_url, because nobody clicked.
 */
@ApplicationScoped
@Named("policyDecisions")
public class PolicyDecisions {

    @Inject
    Clock clock;

    public Decision of(@Body SecurityGroupChange change, @ExchangeProperty(Keys.VERDICT) Verdict verdict) {
        Decision.Kind kind = switch (verdict.action()) {
            case APPROVE -> Decision.Kind.APPROVE;
            case REVERT -> Decision.Kind.REVERT;
            case QUARANTINE -> Decision.Kind.QUARANTINE;
            case ASK -> throw new IllegalArgumentException("ask is decided by a person");
        };
        return new Decision(change.eventId(), "policy", kind, Decision.POLICY_PREFIX + verdict.policyName(),
                verdict.policyName(), null, null, clock.instant());
    }
}
