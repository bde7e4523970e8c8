package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.SecurityGroupChange;
import sgwarden.names.NameLookup;
import sgwarden.names.Names;
import sgwarden.policy.Policies;
import sgwarden.policy.Verdict;
import sgwarden.testing.Accounts;
import sgwarden.testing.FaultyAws;
import sgwarden.testing.InjectFaultyAws;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.Organization;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;

/**
 * Names people know: the group's name and VPC read through the spoke role in moto, the account's
 * name from the organization in moto; with STS (and Organizations) refusing, the same message with
 * IDs alone.
 */
@QuarkusTest
@TestProfile(Profiles.Names.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NamesTest {

    @InjectMoto
    Moto moto;
    @InjectFaultyAws
    FaultyAws aws;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    @Inject
    Policies policies;
    @Inject
    CloudTrailParser parser;
    @Inject
    NameLookup names;

    @BeforeEach
    void clean() {
        aws.reset();
        slack.reset();
    }

    @Test
    @Order(1)
    void aChangeInANamedGroupInANamedAccountShowsBothNames() {
        String account = Organization.account(moto, "prod-payments");
        String[] made = Organization.namedGroup(moto, account, Accounts.REGION, "payments-vpc", "web-frontend",
                Map.of("team", "payments"));
        Accounts.Change c = Accounts.authorize(moto, account, Accounts.REGION, made[0], false,
                Accounts.tcp(22, "0.0.0.0/0"));
        // a first lookup in a cold JVM on a busy machine may take longer than the message waits (then it
        // would rightly go out with IDs): this test is about the names, so it lets the caches fill first
        SecurityGroupChange parsed = parser.parse(c.record(), "lake");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Names known = names.of(parsed);
            return known.groupName() != null && known.accountName() != null;
        });

        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(20)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        SlackStandIn.Received message = slack.messagesMentioning(c.eventId()).get(0);
        String text = message.allText();
        assertTrue(text.contains("web-frontend (" + c.groupId() + ")"), text);
        assertTrue(text.contains(made[1] + " / payments-vpc"), text);
        assertTrue(text.contains("prod-payments (" + account + ")"), text);
        assertTrue(message.text().contains("to web-frontend (" + c.groupId() + ") in prod-payments (" + account
                + ") / eu-west-1"), "the notification text names them too: " + message.text());
        // each reader's own time zone, UTC where Slack cannot format it
        assertTrue(text.matches(
                "(?s).*<!date\\^\\d+\\^\\{date_short_pretty\\} \\{time\\}\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC>.*"),
                text);
    }

    @Test
    @Order(3)
    void withStsRefusingTheSameMessageGoesOutWithIdsAlone() {
        String account = Organization.account(moto, "prod-payments");
        String[] made = Organization.namedGroup(moto, account, Accounts.REGION, "payments-vpc", "api-backend",
                Map.of("team", "payments"));
        Accounts.Change c = Accounts.authorize(moto, account, Accounts.REGION, made[0], false,
                Accounts.tcp(22, "0.0.0.0/0"));
        // the account names read by the tests before expire (5s in this profile), so both lookups ask AWS again
        await().pollDelay(Duration.ofMillis(5100)).until(() -> true);
        aws.fail("AssumeRole", 1000, 403, "AccessDenied",
                "User: arn:aws:sts::123456789012:assumed-role/sgwarden is not authorized to perform: sts:AssumeRole");
        // the organization role's credentials from before stay valid for their hour: Organizations refuses too
        aws.fail("ListAccounts", 1000, 403, "AccessDeniedException",
                "You don't have permissions to access this resource.");

        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(20)).until(() -> slack.messagesMentioning(c.eventId()).size() == 1);
        SlackStandIn.Received message = slack.messagesMentioning(c.eventId()).get(0);
        String text = message.allText();
        assertTrue(message.text().contains("to " + c.groupId() + " in " + account + " / eu-west-1"), message.text());
        assertFalse(text.contains("api-backend"), text);
        assertFalse(text.contains("prod-payments"), text);
        assertTrue(aws.calls("AssumeRole") >= 1 && aws.calls("ListAccounts") >= 1,
                "both lookups were tried, and refused");
        // an operator sees it in the metrics
        await().atMost(Duration.ofSeconds(5)).until(() -> DetectionScenariosTest
                .metric("sgwarden_names_lookups_total{kind=\"group\",outcome=\"failed\"}") >= 1
                && DetectionScenariosTest
                        .metric("sgwarden_names_lookups_total{kind=\"account\",outcome=\"failed\"}") >= 1);
    }

    @Test
    @Order(2)
    void aPolicyOnTagsMatchesAGroupTaggedInAws() {
        String account = Organization.account(moto, "prod-payments");
        String[] tagged = Organization.namedGroup(moto, account, Accounts.REGION, "payments-vpc", "payments-db",
                Map.of("team", "payments"));
        String[] other = Organization.namedGroup(moto, account, Accounts.REGION, "ops-vpc", "ops-bastion",
                Map.of("team", "ops"));

        Verdict matched = policies.evaluate(parser.parse(Accounts.authorize(moto, account, Accounts.REGION,
                tagged[0], false, Accounts.tcp(5432, "10.0.0.0/8")).record(), "lake"));
        Verdict unmatched = policies.evaluate(parser.parse(Accounts.authorize(moto, account, Accounts.REGION,
                other[0], false, Accounts.tcp(5432, "10.0.0.0/8")).record(), "lake"));

        assertEquals("payments-team-groups", matched.policyName());
        assertNull(unmatched.policyName(), "the ops group is not tagged team=payments: the default ask");
    }
}
