package sgwarden.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.jboss.logging.Logger;

import sgwarden.change.SecurityGroupChange;
import sgwarden.config.Settings;

/**
 * The policies in force, read once at start. A file that cannot be used stops the service at start,
 * with its line and the reason, rather than letting changes through under a policy nobody wrote.
 * They are read before Camel configures the routes, so no route runs without them.
 */
@ApplicationScoped
@Named("policies")
public class Policies {

    private static final Logger LOG = Logger.getLogger(Policies.class);

    @Inject
    Settings settings;

    @Inject
    GroupTags groupTags;

    @Inject
    ApprovedTags approvedTags;

    @Inject
    OwnGroup ownGroup;

    private volatile PolicyEvaluator evaluator;

    void beforeRoutes(@Observes BeforeConfigure event) {
        evaluator();
    }

    private synchronized PolicyEvaluator evaluator() {
        if (evaluator == null) {
            evaluator = load();
        }
        return evaluator;
    }

    private PolicyEvaluator load() {
        PolicyFile policies;
        try {
            policies = PolicySource.load(settings.policy().file(), settings.policy().inline());
        } catch (PolicyFileException e) {
            LOG.error(e.getMessage());
            throw e;
        }
        // only a file that names tags ever reads them from AWS
        GroupTags tags = policies.usesTags() ? groupTags : GroupTags.NONE;
        if (policies.policies().isEmpty()) {
            LOG.info("no policies: every change asks a person");
        } else {
            LOG.infof("%d policies from %s: %s", policies.policies().size(), policies.source(),
                    String.join(", ", policies.policies().stream().map(p -> p.name() + "=" + p.action().word()
                            + (p.dryRun() ? "(dry run)" : "")).toList()));
        }
        return new PolicyEvaluator(policies, tags, policies.usesTags() ? approvedTags : ApprovedTags.ALL);
    }

    /**
     * What the policies make of the change; a change on sgwarden's own load balancer group is approved by
     * its exemption before any policy is asked, so that none reverts or quarantines it (OwnGroup).
     */
    public Verdict evaluate(SecurityGroupChange change) {
        if (ownGroup.is(change)) {
            return OwnGroup.verdict(change);
        }
        PolicyEvaluator e = evaluator;
        return (e == null ? evaluator() : e).evaluate(change);
    }

    public PolicyFile file() {
        return evaluator().file();
    }
}
