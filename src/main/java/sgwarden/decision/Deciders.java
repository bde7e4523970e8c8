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
import sgwarden.config.SettingsCheck;

/**
 * Who may decide: the users on the list, or, when the list is '*', anyone whose own workspace is
 * the configured one (a guest from another organization in a Slack Connect channel clicks from our
 * workspace but belongs to theirs). Clicks come only from the configured workspace when one is set
 * ('*' requires one). An empty list lets nobody decide: SettingsCheck refuses to start with one, and
 * this check does not rely on that.
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
        List<String> users = SettingsCheck.allowedUsers(settings);
        if (users.equals(List.of(SettingsCheck.ANYONE))) {
            if (team.isEmpty() || !team.get().equals(decision.userTeamId())) {
                throw new DecisionRefusedException("Only members of the security team's own Slack workspace may"
                        + " approve or deny security group changes, so nothing was changed.");
            }
            return;
        }
        if (!users.contains(decision.userId())) {
            throw new DecisionRefusedException("You are not on the list of people who may approve or deny "
                    + "security group changes, so nothing was changed. Ask the security team to add you.");
        }
    }
}
