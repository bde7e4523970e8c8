package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;

/**
 * Rules changed in place (ModifySecurityGroupRules) in moto, through the Lake intake: shown before and
 * after, and on Deny put back exactly by rule ID, or removed where the earlier form is not known.
 */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class ModifyRulesTest {

    static final String DENY = "sgwarden_deny";
    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    /** A group with tcp 6379 from 10.0.0.0/8 that sgwarden saw being added. */
    Accounts.Change knownRedis() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        return Announced.viaLake(moto, lake, slack,
                Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                        Accounts.tcp(6379, "10.0.0.0/8")));
    }

    Accounts.Change widen(Accounts.Change added, int rule) {
        String ruleId = added.rules().get(rule).securityGroupRuleId();
        int port = added.rules().get(rule).fromPort();
        return Accounts.modify(moto, added.account(), added.region(), added.groupId(),
                Map.of(ruleId, Accounts.tcpForm(port, "0.0.0.0/0", null)));
    }

    SecurityGroupRule ruleNow(Accounts.Change c, String ruleId) {
        return Accounts.rule(moto, c.account(), c.region(), c.groupId(), ruleId);
    }

    String announcement(Accounts.Change c) {
        return slack.messagesMentioning(c.eventId()).get(0).allText();
    }

    static void assertForm(SecurityGroupRule rule, String ruleId, int port, String cidr) {
        assertNotNull(rule, ruleId + " is gone");
        assertEquals(ruleId, rule.securityGroupRuleId());
        assertEquals("tcp", rule.ipProtocol());
        assertEquals(port, rule.fromPort());
        assertEquals(port, rule.toPort());
        assertEquals(cidr, rule.cidrIpv4());
    }

    @Test
    void wideningAKnownRuleIsShownBeforeAndAfterAndDenyPutsItBack() {
        Accounts.Change added = knownRedis();
        String ruleId = added.rules().get(0).securityGroupRuleId();
        Accounts.Change widened = Announced.viaLake(moto, lake, slack, widen(added, 0));

        String text = announcement(widened);
        assertTrue(text.contains("tcp 6379 from 10.0.0.0/8 → tcp 6379 from `0.0.0.0/0`"), text);
        // the group's name (as moto holds it) and VPC next to its ID
        assertTrue(text.contains("changed inbound rule `" + ruleId + "` in *"), text);
        assertTrue(
                text.contains(" (" + added.groupId() + ")* in vpc-")
                        && text.contains(", account *111111111111 / eu-west-1*"),
                text);
        assertTrue(text.contains("open to the whole internet (0.0.0.0/0)"), text);
        assertTrue(text.contains("put back to its earlier form"), "the Deny dialog says what Deny does: " + text);
        assertForm(ruleNow(added, ruleId), ruleId, 6379, "0.0.0.0/0");
        String url = slack.newResponseUrl();

        Clicks.click(DENY, widened.eventId(), "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERTED".equals(Announced.status(moto, widened.eventId())));
        assertForm(ruleNow(added, ruleId), ruleId, 6379, "10.0.0.0/8");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(url).isEmpty());
        assertTrue(slack.responses(url).get(0).allText().contains("the rule is back in its earlier form"),
                slack.responses(url).get(0).allText());
        Map<String, AttributeValue> item = Announced.item(moto, widened.eventId());
        assertEquals("10.0.0.0/8", item.get("earlierForms").m().get(ruleId).m().get("peer").s());
        Map<String, AttributeValue> outcome = item.get("history").l().get(1).m();
        assertEquals("REVERTED", outcome.get("outcome").s());
        assertEquals("10.0.0.0/8", outcome.get("restoredForms").m().get(ruleId).m().get("peer").s());
        // the ledger's form is the restored one, and stays so while the Lake keeps returning the widening
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .until(() -> "10.0.0.0/8"
                        .equals(Announced.item(moto, "rule#" + ruleId).get("form").m().get("peer").s()));
    }

    @Test
    void aModificationAnnouncedOnlyOnASecondRunStillShowsItsEarlierForm() {
        Accounts.Change added = knownRedis();
        // the first run's post fails (1 try + 2 retries): the rule's new form is recorded, the change released
        slack.failNext(3, 500);
        Accounts.Change widened = Announced.viaLake(moto, lake, slack, widen(added, 0));

        assertEquals(1, slack.messagesMentioning(widened.eventId()).size());
        String text = announcement(widened);
        assertTrue(text.contains("tcp 6379 from 10.0.0.0/8 → tcp 6379 from `0.0.0.0/0`"), text);
    }

    @Test
    void wideningARuleSgwardenNeverSawSaysSoAndDenyRemovesIt() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        // added before sgwarden was deployed: never announced
        Accounts.Change before = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(6379, "10.0.0.0/8"));
        String ruleId = before.rules().get(0).securityGroupRuleId();
        Accounts.Change widened = Announced.viaLake(moto, lake, slack, widen(before, 0));

        String text = announcement(widened);
        assertTrue(text.contains("earlier form not known"), text);
        assertTrue(text.contains("→ tcp 6379 with `0.0.0.0/0`"), text);
        assertTrue(text.contains("Deny removes the rule " + ruleId + " from the security group"), text);

        Clicks.click(DENY, widened.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERTED".equals(Announced.status(moto, widened.eventId())));
        assertNull(ruleNow(before, ruleId), "the rule is removed");
        assertEquals(ruleId, Announced.item(moto, widened.eventId()).get("history").l().get(1).m()
                .get("removedRules").l().get(0).s());
    }

    @Test
    void aRuleChangedAgainSinceTheAnnouncementIsLeftInItsLaterForm() {
        Accounts.Change added = knownRedis();
        String ruleId = added.rules().get(0).securityGroupRuleId();
        Accounts.Change widened = Announced.viaLake(moto, lake, slack, widen(added, 0));
        // someone narrows it by hand meanwhile
        Accounts.modify(moto, added.account(), added.region(), added.groupId(),
                Map.of(ruleId, Accounts.tcpForm(6379, "192.0.2.7/32", null)));
        String url = slack.newResponseUrl();

        Clicks.click(DENY, widened.eventId(), "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERT_FAILED".equals(Announced.status(moto, widened.eventId())));
        assertTrue(Announced.item(moto, widened.eventId()).get("error").s().contains("changed again since"));
        assertForm(ruleNow(added, ruleId), ruleId, 6379, "192.0.2.7/32");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(url).isEmpty());
        assertTrue(slack.responses(url).get(0).allText().contains("changed again since"),
                slack.responses(url).get(0).allText());
    }

    @Test
    void severalRulesInOneCallAreAllShownAndAllPutBack() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change added = Announced.viaLake(moto, lake, slack,
                Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group,
                        false, Accounts.tcp(6379, "10.0.0.0/8"), Accounts.tcp(5432, "10.1.0.0/16")));
        Map<String, SecurityGroupRuleRequest> changes = new LinkedHashMap<>();
        for (SecurityGroupRule r : added.rules()) {
            changes.put(r.securityGroupRuleId(), Accounts.tcpForm(r.fromPort(), "0.0.0.0/0", "opened"));
        }
        Accounts.Change widened = Announced.viaLake(moto, lake, slack,
                Accounts.modify(moto, added.account(), added.region(), group,
                        changes));

        String text = announcement(widened);
        assertTrue(text.contains("changed 2 rules in *") && text.contains(" (" + group + ")*"), text);
        for (SecurityGroupRule r : added.rules()) {
            String port = Integer.toString(r.fromPort());
            assertTrue(text.contains("• `" + r.securityGroupRuleId() + "` inbound tcp " + port + " from "
                    + r.cidrIpv4() + " → tcp " + port + " from `0.0.0.0/0`"), text);
        }

        Clicks.click(DENY, widened.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERTED".equals(Announced.status(moto, widened.eventId())));
        for (SecurityGroupRule r : added.rules()) {
            SecurityGroupRule now = ruleNow(added, r.securityGroupRuleId());
            assertForm(now, r.securityGroupRuleId(), r.fromPort(), r.cidrIpv4());
            assertTrue(now.description() == null || now.description().isEmpty(), "the added description is gone");
        }
    }

    @Test
    void aDescriptionOnlyChangeIsNotAnnouncedButCounted() {
        Accounts.Change added = knownRedis();
        String ruleId = added.rules().get(0).securityGroupRuleId();
        double before = DetectionScenariosTest.metric(
                "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"description-only\"}");
        Accounts.Change relabelled = Accounts.modify(moto, added.account(), added.region(), added.groupId(),
                Map.of(ruleId, Accounts.tcpForm(6379, "10.0.0.0/8", "cache for the web tier")));
        lake.seed(relabelled.record());

        await().atMost(Duration.ofSeconds(30)).until(() -> DetectionScenariosTest.metric(
                "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"description-only\"}") == before + 1);
        // a real widening afterwards is announced, and shows the description the ledger now holds
        Accounts.Change widened = Announced.viaLake(moto, lake, slack,
                Accounts.modify(moto, added.account(), added.region(),
                        added.groupId(),
                        Map.of(ruleId, Accounts.tcpForm(6379, "0.0.0.0/0", "cache for the web tier"))));
        assertTrue(slack.messagesMentioning(relabelled.eventId()).isEmpty(), "a description edit is not announced");
        assertNull(Announced.status(moto, relabelled.eventId()));
        assertTrue(announcement(widened).contains("tcp 6379 from 10.0.0.0/8 → tcp 6379 from `0.0.0.0/0`"));
    }
}
