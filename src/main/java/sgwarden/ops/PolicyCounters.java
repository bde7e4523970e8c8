package sgwarden.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import io.micrometer.core.instrument.MeterRegistry;

import sgwarden.change.Keys;
import sgwarden.policy.Verdict;

/** Changes by policy and by action (and what dry-run policies would have done), and restores by outcome. */
@ApplicationScoped
@Named("policyCounters")
public class PolicyCounters {

    @Inject
    MeterRegistry registry;

    /** sgwarden.policy.changes{policy, action, would}: every change, whether posted or not. */
    public void verdict(@ExchangeProperty(Keys.VERDICT) Verdict verdict) {
        registry.counter("sgwarden.policy.changes",
                "policy", verdict.policyName() == null ? "none" : verdict.policyName(),
                "action", verdict.action().word(),
                "would", verdict.dryRun() ? verdict.wouldBe().word() : "none").increment();
    }

    /** sgwarden.restores{outcome}: RESTORED or RESTORE_FAILED. */
    public void restore(String outcome) {
        registry.counter("sgwarden.restores", "outcome", outcome).increment();
    }
}
