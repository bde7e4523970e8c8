package sgwarden.decision;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sgwarden.change.Decision;
import sgwarden.change.DecisionRefusedException;
import sgwarden.testing.SettingsFrom;

/**
 * Who may decide, as the settings say, for the cases the test profiles do not start with: '*' (anyone
 * in the workspace) and a list the start would refuse. The listed-users case over HTTP is
 * SlackInteractionRoutesTest's.
 */
class DecidersTest {

    static final String TEAM = "T0SGWARDEN";

    static Deciders deciders(Map<String, String> env) throws IOException {
        Deciders deciders = new Deciders();
        deciders.settings = SettingsFrom.environment(env);
        return deciders;
    }

    static Decision click(String userId, String teamId, String userTeamId) {
        return new Decision("change-1", "sgwarden_deny", Decision.Kind.DENY, userId, "someone", teamId, userTeamId,
                "https://hooks.slack.com/actions/T0/1/x", Instant.EPOCH);
    }

    @Test
    void anyoneMeansAnyoneOfTheAllowedWorkspace() throws IOException {
        Deciders anyone = deciders(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", "*", "SGWARDEN_SLACK_ALLOWED_TEAM", TEAM));
        assertDoesNotThrow(() -> anyone.check(click("U0NEWHIRE", TEAM, TEAM)));
        // the team check stays: a click from another workspace the app is installed in
        assertThrows(DecisionRefusedException.class, () -> anyone.check(click("U0OTHER", "T0OTHER", "T0OTHER")));
    }

    @Test
    void aSlackConnectGuestIsNotAnyoneOfTheWorkspace() throws IOException {
        // a member of another organization in a shared channel clicks from our workspace, but is not one of it
        Deciders anyone = deciders(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", "*", "SGWARDEN_SLACK_ALLOWED_TEAM", TEAM));
        assertThrows(DecisionRefusedException.class, () -> anyone.check(click("U0GUEST", TEAM, "T0PARTNER")));
        assertThrows(DecisionRefusedException.class, () -> anyone.check(click("U0GUEST", TEAM, null)));
    }

    @Test
    void anyoneWithoutAWorkspaceLetsNobodyDecide() throws IOException {
        // the start refuses this; the check does not rely on it
        Deciders anyone = deciders(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", "*"));
        assertThrows(DecisionRefusedException.class, () -> anyone.check(click("U0ALICE", TEAM, TEAM)));
    }

    @Test
    void noListLetsNobodyDecide() throws IOException {
        // fail closed: the start refuses an empty list; were it to start anyway, nobody could decide
        Deciders none = deciders(Map.of());
        assertThrows(DecisionRefusedException.class, () -> none.check(click("U0ALICE", TEAM, TEAM)));
    }

    @Test
    void aListedUserMayAndOthersMayNot() throws IOException {
        Deciders listed = deciders(Map.of("SGWARDEN_SLACK_ALLOWED_USERS", "U0ALICE,U0BOB"));
        assertDoesNotThrow(() -> listed.check(click("U0BOB", TEAM, TEAM)));
        // the literal '*' as someone's user ID is no wildcard
        assertThrows(DecisionRefusedException.class, () -> listed.check(click("*", TEAM, TEAM)));
        assertThrows(DecisionRefusedException.class, () -> listed.check(click("U0MALLORY", TEAM, TEAM)));
    }
}
