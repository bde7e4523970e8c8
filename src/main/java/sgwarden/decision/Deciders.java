package sgwarden.decision;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.change.Keys;
import sgwarden.config.Settings;

/**
 * Who may decide. With no list configured anyone in the channel may (the README says so); with a
 * list, only those Slack users, and only from the configured workspace when one is set.
 */
@ApplicationScoped
@Named("deciders")
public class Deciders {

    @Inject
    Settings settings;

    public void check(@ExchangeProperty(Keys.DECISION) Decision decision) {
        Optional<String> team = settings.slack().allowedTeam().map(String::trim).filter(t -> !t.isEmpty());
        if (team.isPresent() && !team.get().equals(decision.teamId())) {
            throw new DecisionRefusedException("Requests from this workspace cannot decide on sgwarden changes.");
        }
        List<String> users = settings.slack().allowedUsers().orElse(List.of()).stream().map(String::trim)
                .filter(u -> !u.isEmpty())
                .toList();
        if (!users.isEmpty() && !users.contains(decision.userId())) {
            throw new DecisionRefusedException("You are not on the list of people who may approve or deny "
                    + "security group changes, so nothing was changed. Ask the security team to add you.");
        }
    }
}
