package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Profiles;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;

/**
 * The four actions end to end, in moto through the real clients, with the policies of
 * {@link Profiles.LakePolicies}: what is left in the group, what Slack shows, what the ledger keeps,
 * and Restore.
 */
@QuarkusTest
@TestProfile(Profiles.LakePolicies.class)
class PolicyActionsTest {

    static final String APPROVE = "sgwarden_approve";
    static final String DENY = "sgwarden_deny";
    static final String RESTORE = "sgwarden_restore";
    static final String KEEP_OFF = "sgwarden_keep_off";

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    Accounts.Change open(int port) {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        return Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(port, "0.0.0.0/0"));
    }

    SlackStandIn.Received message(Accounts.Change c) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        return slack.messagesMentioning(c.eventId()).get(0);
    }

    void awaitStatus(Accounts.Change c, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(Announced.status(moto, c.eventId())));
    }

    /** The group's rules now that open the port to the world, whatever their IDs. */
    List<SecurityGroupRule> worldRules(Accounts.Change c, int port) {
        try (Ec2Client ec2 = Aws.ec2In(moto, c.account(), c.region())) {
            return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(c.groupId())))
                    .securityGroupRules().stream()
                    .filter(r -> !r.isEgress() && Integer.valueOf(port).equals(r.fromPort())
                            && "0.0.0.0/0".equals(r.cidrIpv4()))
                    .toList();
        }
    }

    String str(Accounts.Change c, String attribute) {
        AttributeValue v = Announced.item(moto, c.eventId()).get(attribute);
        return v == null ? null : v.s();
    }

    @Test
    void revertRemovesTheRuleAtOnceAndRestoreBringsItBack() {
        Accounts.Change c = open(23);
        lake.seed(c.record());

        SlackStandIn.Received posted = message(c);
        awaitStatus(c, "REVERTED");
        assertTrue(worldRules(c, 23).isEmpty(), "the rule is gone at once, with nobody asked");
        assertTrue(posted.allText().contains("Reverted at once by policy *no-telnet*"), posted.allText());
        assertTrue(posted.allText().contains(RESTORE) && !posted.allText().contains(APPROVE), posted.allText());
        assertEquals("no-telnet", str(c, "policy"));
        assertEquals("REVERT", str(c, "policyAction"));
        assertEquals("policy:no-telnet", str(c, "decidedBy"));

        String responseUrl = slack.newResponseUrl();
        Clicks.click(RESTORE, c.eventId(), "U0ALICE", "alice", responseUrl).expect(200);
        awaitStatus(c, "RESTORED");
        SecurityGroupRule back = worldRules(c, 23).get(0);
        assertEquals("tcp", back.ipProtocol());
        assertEquals(23, back.toPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        String update = slack.responses(responseUrl).get(0).allText();
        assertTrue(update.contains("Restored by @alice"), update);
        assertFalse(update.contains(RESTORE), "no button once restored");
        Map<String, AttributeValue> item = Announced.item(moto, c.eventId());
        List<AttributeValue> history = item.get("history").l();
        assertEquals("RESTORE", history.get(history.size() - 2).m().get("decision").s());
        assertEquals("U0ALICE", history.get(history.size() - 2).m().get("by").s());
        assertEquals("RESTORED", history.get(history.size() - 1).m().get("outcome").s());

        // the first decision wins: a second Restore is refused and changes nothing
        String late = slack.newResponseUrl();
        Clicks.click(RESTORE, c.eventId(), "U0BOB", "bob", late).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(late).isEmpty());
        assertTrue(slack.responses(late).get(0).allText().contains("it is restored"),
                slack.responses(late).get(0).allText());
        assertEquals(1, worldRules(c, 23).size());
    }

    @Test
    void whenSlackFailsAfterARevertTheMessageIsPostedLaterAndTheRevokeNotRepeated() {
        // every attempt of the first run fails (1 try + 2 retries)
        slack.failNext(3, 500);
        Accounts.Change c = open(23);
        lake.seed(c.record());

        awaitStatus(c, "REVERTED");
        SlackStandIn.Received posted = message(c);
        assertTrue(posted.allText().contains("Reverted at once by policy *no-telnet*"), posted.allText());
        assertTrue(Announced.item(moto, c.eventId()).containsKey("policyPostedAt"));
        // the revoke ran once: the decision and one outcome
        assertEquals(2, Announced.item(moto, c.eventId()).get("history").l().size());
        assertEquals(1, slack.messagesMentioning(c.eventId()).size());
    }

    @Test
    void quarantineRemovesTheRuleAndApproveRestoresIt() {
        Accounts.Change c = open(22);
        lake.seed(c.record());

        SlackStandIn.Received posted = message(c);
        awaitStatus(c, "QUARANTINED");
        assertTrue(worldRules(c, 22).isEmpty(), "quarantined: the rule is off while a person decides");
        String text = posted.allText();
        assertTrue(text.contains("Quarantined by policy *ssh-open-to-world*: the rule was removed at once."
                + " *Approve* restores it, *Deny* keeps it off."), "one rule, in the singular: " + text);
        assertTrue(text.contains(RESTORE) && text.contains(KEEP_OFF) && text.contains("\"Approve\"")
                && text.contains("\"Deny\""), text);

        // not on the allow list: refused, nothing changes
        String mallory = slack.newResponseUrl();
        Clicks.click(RESTORE, c.eventId(), "U0MALLORY", "mallory", mallory).expect(200);
        assertEquals("QUARANTINED", Announced.status(moto, c.eventId()));

        String responseUrl = slack.newResponseUrl();
        Clicks.click(RESTORE, c.eventId(), "U0BOB", "bob", responseUrl).expect(200);
        awaitStatus(c, "RESTORED");
        assertEquals(1, worldRules(c, 22).size(), "Approve put the rule back");
    }

    @Test
    void aWideningQuarantinedGoesBackToItsEarlierFormAndApproveMakesItTheLaterOneAgain() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change added = Announced.viaLake(moto, lake, slack,
                Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group,
                        false, Accounts.tcp(22, "10.0.0.0/8")));
        String ruleId = added.rules().get(0).securityGroupRuleId();
        Accounts.Change widened = Accounts.modify(moto, added.account(), added.region(), group,
                Map.of(ruleId, Accounts.tcpForm(22, "0.0.0.0/0", null)));
        lake.seed(widened.record());

        awaitStatus(widened, "QUARANTINED");
        assertEquals("10.0.0.0/8", Accounts.rule(moto, added.account(), added.region(), group, ruleId).cidrIpv4(),
                "the earlier form at once, under the same rule ID");
        String said = message(widened).allText();
        assertTrue(said.contains("Quarantined by policy *ssh-open-to-world*: the rule was put back to tcp 22 from "
                + "`10.0.0.0/8` at once. *Approve* widens it again, *Deny* keeps it as it is."), said);
        assertFalse(said.contains("removed"), "the rule is there, narrowed: " + said);

        Clicks.click(RESTORE, widened.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        awaitStatus(widened, "RESTORED");
        SecurityGroupRule now = Accounts.rule(moto, added.account(), added.region(), group, ruleId);
        assertEquals("0.0.0.0/0", now.cidrIpv4(), "the later form again");
        assertEquals(22, now.fromPort());
    }

    @Test
    void aQuarantinesDenyKeepsTheRuleOffAndOffersRestore() {
        Accounts.Change c = open(22);
        lake.seed(c.record());
        message(c);
        awaitStatus(c, "QUARANTINED");

        String responseUrl = slack.newResponseUrl();
        Clicks.click(KEEP_OFF, c.eventId(), "U0BOB", "bob", responseUrl).expect(200);
        awaitStatus(c, "REVERTED");
        assertTrue(worldRules(c, 22).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        String update = slack.responses(responseUrl).get(0).allText();
        assertTrue(update.contains("Denied by @bob") && update.contains(RESTORE), update);
    }

    @Test
    void approveLeavesTheRuleWithACompactMessageWithoutButtons() {
        Accounts.Change c = open(8080);
        lake.seed(c.record());

        String text = message(c).allText();
        awaitStatus(c, "APPROVED");
        assertTrue(text.contains("Approved by policy *ci-web*"), text);
        assertFalse(text.contains(APPROVE) || text.contains(DENY) || text.contains(RESTORE), "no buttons: " + text);
        assertEquals(1, worldRules(c, 8080).size());
        assertEquals("policy:ci-web", str(c, "decidedBy"));
        assertTrue(DetectionScenariosTest.metric(
                "sgwarden_policy_changes_total{action=\"approve\",policy=\"ci-web\",would=\"none\"}") >= 1);
    }

    @Test
    void approveWithPostNoneIsRecordedAndCountedButNotPosted() {
        Accounts.Change c = open(8081);
        Accounts.Change asked = open(443);
        lake.seed(c.record());
        lake.seed(asked.record());

        awaitStatus(c, "APPROVED");
        message(asked); // the run that handled the approved change has posted what came after it
        assertTrue(slack.messagesMentioning(c.eventId()).isEmpty(), "nothing posted");
        assertEquals(1, worldRules(c, 8081).size());
        assertEquals("ci-quiet", str(c, "policy"));
        assertTrue(DetectionScenariosTest.metric(
                "sgwarden_policy_changes_total{action=\"approve\",policy=\"ci-quiet\",would=\"none\"}") >= 1);
    }

    @Test
    void tagsAreReadFromTheGroupThroughTheSpokeRole() {
        Accounts.Change tagged = open(7000);
        try (Ec2Client ec2 = Aws.ec2In(moto, tagged.account(), tagged.region())) {
            ec2.createTags(b -> b.resources(tagged.groupId()).tags(t -> t.key("team").value("web")));
        }
        Accounts.Change untagged = open(7000);
        lake.seed(tagged.record());
        lake.seed(untagged.record());

        awaitStatus(tagged, "APPROVED");
        assertEquals("web-tier-7000", str(tagged, "policy"));
        assertTrue(message(untagged).allText().contains(APPROVE), "no tag, so asked about");
        awaitStatus(untagged, "PENDING");
        assertTrue(slack.messagesMentioning(tagged.eventId()).isEmpty());
    }

    @Test
    void dryRunShowsTheWouldBeActionAndChangesNothing() {
        Accounts.Change c = open(9000);
        lake.seed(c.record());

        String text = message(c).allText();
        assertTrue(text.contains("policy try-9000 would have reverted this change"), text);
        assertTrue(text.contains(APPROVE) && text.contains(DENY), "asked about: " + text);
        // PENDING once the service has Slack's answer, a moment after the stand-in has the message
        awaitStatus(c, "PENDING");
        assertEquals(1, worldRules(c, 9000).size(), "nothing changed");
        assertEquals("REVERT", str(c, "policyWouldBe"));
        assertEquals("ASK", str(c, "policyAction"));
    }

    @Test
    void aDeniedChangeOffersRestoreAndRestoreBringsTheRuleBack() {
        Accounts.Change c = open(443);
        lake.seed(c.record());
        assertTrue(message(c).allText().contains(DENY));

        String denied = slack.newResponseUrl();
        Clicks.click(DENY, c.eventId(), "U0BOB", "bob", denied).expect(200);
        awaitStatus(c, "REVERTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(denied).isEmpty());
        assertTrue(slack.responses(denied).get(0).allText().contains(RESTORE));
        assertTrue(worldRules(c, 443).isEmpty());

        Clicks.click(RESTORE, c.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        awaitStatus(c, "RESTORED");
        assertEquals(1, worldRules(c, 443).size());
    }

    /** The group the profile's moto made as sgwarden's own load balancer group, as the compute stack passes it. */
    @ConfigProperty(name = "sgwarden.own-load-balancer.security-group")
    String ownGroup;

    static final String OWN_GROUP_WHY = "sgwarden's own load balancer group: reverting it would cut Slack off from"
            + " sgwarden";

    @Test
    void aChangeOnSgwardensOwnLoadBalancerGroupIsAnnouncedWithWhyNeverRevertedAndADenyIsRefused() {
        // telnet to the world: no-telnet reverts it anywhere else
        Accounts.Change c = Accounts.authorize(moto, Accounts.SECURITY, Accounts.REGION, ownGroup, false,
                Accounts.tcp(23, "0.0.0.0/0"));
        lake.seed(c.record());

        SlackStandIn.Received posted = message(c);
        awaitStatus(c, "APPROVED");
        String text = posted.allText();
        assertTrue(text.contains(OWN_GROUP_WHY), text);
        assertTrue(text.contains("0.0.0.0/0"), "the change itself is shown: " + text);
        assertEquals(List.of(), Clicks.buttons(posted), "nothing to click, Deny least of all");
        assertEquals(1, worldRules(c, 23).size(), "the rule stays");
        assertEquals("policy:sgwarden-own-load-balancer-group", str(c, "decidedBy"));

        // a Deny no message offered, forged: refused, said why, nothing changes
        String forged = slack.newResponseUrl();
        Clicks.click(DENY, c.eventId(), "U0ALICE", "alice", forged).expect(200).saying(OWN_GROUP_WHY);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(forged).isEmpty());
        assertTrue(slack.responses(forged).get(0).allText().contains(OWN_GROUP_WHY),
                slack.responses(forged).get(0).allText());
        assertEquals("APPROVED", Announced.status(moto, c.eventId()));
        assertEquals(1, worldRules(c, 23).size(), "the rule is still there");
        assertEquals(1, Announced.item(moto, c.eventId()).get("history").l().size(), "no decision but the first");
    }

    @Test
    void anInsidersGroupNamedAndTaggedLikeTheOwnGroupIsRevertedAsAnyOther() {
        String lookalike = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION, MotoResource.OWN_GROUP_NAME);
        try (Ec2Client ec2 = Aws.ec2In(moto, Accounts.MEMBER, Accounts.REGION)) {
            ec2.createTags(b -> b.resources(lookalike).tags(t -> t.key("Name").value("sgwarden load balancer"),
                    t -> t.key("AmazonECSManaged").value("true")));
        }
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, lookalike, false,
                Accounts.tcp(23, "0.0.0.0/0"));
        lake.seed(c.record());

        SlackStandIn.Received posted = message(c);
        awaitStatus(c, "REVERTED");
        assertTrue(worldRules(c, 23).isEmpty(), "a name or a tag earns no exemption");
        assertTrue(posted.allText().contains("Reverted at once by policy *no-telnet*"), posted.allText());
        assertFalse(posted.allText().contains(OWN_GROUP_WHY), posted.allText());
    }

    @Test
    void theOwnGroupsIdClaimedByAnotherAccountIsNotExempt() {
        // a record naming the own group's ID in a member account: the exemption is for the pair, not the ID
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change real = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(23, "0.0.0.0/0"));
        String eventId = java.util.UUID.randomUUID().toString();
        lake.seed(Records.authorize(eventId, java.time.Instant.now().minusSeconds(60), Accounts.MEMBER,
                Accounts.MEMBER, Accounts.REGION, ownGroup, false, real.rules()));

        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(eventId).isEmpty());
        String text = slack.messagesMentioning(eventId).get(0).allText();
        assertFalse(text.contains(OWN_GROUP_WHY), text);
        assertEquals("policy:no-telnet", str(new Accounts.Change(eventId, ownGroup, Accounts.MEMBER,
                Accounts.REGION, false, real.rules(), null), "decidedBy"));
        assertFalse("APPROVED".equals(Announced.status(moto, eventId)));
    }
}
