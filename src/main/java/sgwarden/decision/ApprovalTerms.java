package sgwarden.decision;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import sgwarden.slack.SlackMessages;

/** An Approve may only be for a duration that is offered; an old message's button may name one no longer offered. */
@ApplicationScoped
@Named("approvalTerms")
public class ApprovalTerms {

    @Inject
    SlackMessages messages;

    public void check(@ExchangeProperty("decision") Decision decision) {
        ApprovalDuration chosen = decision.approvalFor();
        if (messages.offered().stream().noneMatch(d -> d.code().equals(chosen.code()))) {
            throw new DecisionRefusedException("Approving " + (chosen.permanent() ? "permanently" : "for " + chosen.label())
                    + " is not offered any more, so nothing was changed. Choose one of: " + String.join(", ",
                            messages.offered().stream().map(d -> d.permanent() ? "permanently" : d.label()).toList()) + ".");
        }
    }
}
