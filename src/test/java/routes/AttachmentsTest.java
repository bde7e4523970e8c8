package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.ec2.Ec2Client;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.Interfaces;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.OwnRecords;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;

/**
 * Groups attached to a running instance's interface in moto, read from the Lake: each group's inbound
 * rules meet the policies as if added now; Deny takes exactly that group off the interface.
 */
@QuarkusTest
@TestProfile(Profiles.LakeAttachments.class)
class AttachmentsTest {

    static final String DENY = "sgwarden_deny";
    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    Interfaces.Host host() {
        return Interfaces.launch(moto, Accounts.MEMBER, Accounts.REGION);
    }

    String legacyOpen(Interfaces.Host host) {
        return Interfaces.group(moto, host, "legacy-open", Accounts.tcp(22, "0.0.0.0/0"));
    }

    String announced(String changeId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(changeId).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, changeId)));
        return slack.messagesMentioning(changeId).get(0).allText();
    }

    @Test
    void anInsiderAttachesTheOpenGroupAndDenyTakesExactlyItOff() {
        Interfaces.Host host = host();
        String open = legacyOpen(host);
        String other = Interfaces.group(moto, host, "app");
        Interfaces.Attached attached = Interfaces.setGroups(moto, host, List.of(host.baseGroup(), open, other));
        lake.seed(attached.record());

        String changeId = attached.changeId(open);
        String text = announced(changeId);
        assertTrue(text.contains("legacy-open (22/tcp from 0.0.0.0/0) is now on " + host.interfaceId() + " of "
                + host.instanceId()), text);
        assertTrue(text.contains("attached a group"), text);
        assertTrue(text.contains("Deny"), text);
        assertTrue(text.contains("open to the whole internet"), text);
        // the groups without inbound rules open nothing: not announced
        assertTrue(slack.messagesMentioning(attached.changeId(other)).isEmpty());
        assertTrue(slack.messagesMentioning(attached.changeId(host.baseGroup())).isEmpty());
        String url = slack.newResponseUrl();
        moto.startRecording();

        Clicks.click(DENY, changeId, "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, changeId)));
        assertEquals(Set.of(host.baseGroup(), other), Interfaces.groupsOn(moto, host));
        try (var ec2 = sgwarden.testing.Aws.ec2In(moto, host.account(), host.region())) {
            assertTrue(ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(open)))
                    .securityGroupRules().stream().anyMatch(r -> !r.isEgress() && r.fromPort() == 22),
                    "the group keeps its rules: only the attachment is undone");
        }
        assertEquals("REVERTED",
                Announced.item(moto, changeId).get("history").l().get(1).m().get("outcome").s());
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(url).isEmpty());
        assertTrue(slack.responses(url).get(0).allText().contains("Reverted by @bob"),
                slack.responses(url).get(0).allText());
        assertTrue(slack.responses(url).get(0).allText().contains("the group is off the interface"),
                slack.responses(url).get(0).allText());

        // sgwarden's own ModifyNetworkInterfaceAttribute, as AWS records it, is recognized and not announced
        double own = DetectionScenariosTest.metric(
                "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"own-write\"}");
        OwnRecords.Write write = OwnRecords.lastInterfaceGroups(moto, host.account(), host.region());
        lake.seed(write.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> DetectionScenariosTest.metric(
                "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"own-write\"}") >= own + 1);
        assertTrue(slack.messagesMentioning(write.eventId()).isEmpty(), "sgwarden's own write is not announced");

        // Restore puts the group back on the interface, next to the groups it has now
        String restoreUrl = slack.newResponseUrl();
        Clicks.click("sgwarden_restore", changeId, "U0ALICE", "alice", restoreUrl).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESTORED".equals(Announced.status(moto, changeId)));
        assertEquals(Set.of(host.baseGroup(), open, other), Interfaces.groupsOn(moto, host));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(restoreUrl).isEmpty());
        assertTrue(slack.responses(restoreUrl).get(0).allText().contains("the group is back on the interface"),
                slack.responses(restoreUrl).get(0).allText());
    }

    @Test
    void anInterfaceWhoseOnlyGroupItIsKeepsItAndDenySaysWhy() {
        Interfaces.Host host = host().unattached(moto);
        String open = legacyOpen(host);
        Interfaces.Attached attached = Interfaces.setGroups(moto, host, List.of(open));
        lake.seed(attached.record());
        String changeId = attached.changeId(open);
        announced(changeId);
        String url = slack.newResponseUrl();

        Clicks.click(DENY, changeId, "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERT_FAILED".equals(Announced.status(moto, changeId)));
        assertEquals(Set.of(open), Interfaces.groupsOn(moto, host), "nothing changed");
        assertTrue(Announced.item(moto, changeId).get("error").s().contains("only group"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(url).isEmpty());
        String reply = slack.responses(url).get(0).allText();
        assertTrue(reply.contains(open + " is the only group on " + host.interfaceId()), reply);
        assertTrue(reply.contains("an interface must keep one group"), reply);
    }

    @Test
    void aGroupWhoseRulesThePoliciesApproveIsCountedNotPosted() {
        Interfaces.Host host = host();
        String https = Interfaces.group(moto, host, "internal-https", Accounts.tcp(443, "10.0.0.0/8"));
        double before = DetectionScenariosTest.metric("sgwarden_attachments_total{outcome=\"approved\"}");
        Interfaces.Attached attached = Interfaces.setGroups(moto, host, List.of(host.baseGroup(), https));
        lake.seed(attached.record());

        String changeId = attached.changeId(https);
        await().atMost(Duration.ofSeconds(30)).until(() -> "APPROVED".equals(Announced.status(moto, changeId)));
        assertEquals(before + 1, DetectionScenariosTest.metric("sgwarden_attachments_total{outcome=\"approved\"}"));
        assertTrue(slack.messagesMentioning(attached.eventId()).isEmpty(), "nothing posted");
        assertEquals(Set.of(host.baseGroup(), https), Interfaces.groupsOn(moto, host));
    }

    @Test
    void aRevertPolicyTakesTheGroupOffAnInstanceAtOnce() {
        Interfaces.Host host = host();
        String telnet = Interfaces.group(moto, host, "telnet", Accounts.tcp(23, "10.0.0.0/8"));
        Interfaces.Attached attached = Interfaces.setInstanceGroups(moto, host, List.of(host.baseGroup(), telnet));
        lake.seed(attached.record());

        String changeId = attached.changeId(telnet);
        await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(Announced.status(moto, changeId)));
        assertEquals(Set.of(host.baseGroup()), Interfaces.groupsOn(moto, host));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.messagesMentioning(changeId).isEmpty());
        String text = slack.messagesMentioning(changeId).get(0).allText();
        assertTrue(text.contains("telnet (23/tcp from 10.0.0.0/8) is now on " + host.interfaceId() + " of "
                + host.instanceId()), text);
        assertTrue(text.contains("Reverted at once by policy *no-telnet*: the group was taken off the interface"),
                text);
    }

    @Test
    void aGroupSetThatCannotBeReadIsToldToAPersonOnce() {
        Interfaces.Host host = host();
        double before = DetectionScenariosTest.metric("sgwarden_attachments_total{outcome=\"unreadable\"}");
        String eventId = java.util.UUID.randomUUID().toString();
        // an item of the set in a shape sgwarden does not know
        String record = sgwarden.testing.Records.attach(eventId, java.time.Instant.now().minusSeconds(30),
                host.account(), host.region(), host.interfaceId(), List.of(host.baseGroup()))
                .replace("\"groupId\":\"" + host.baseGroup() + "\"", "\"group\":\"" + host.baseGroup() + "\"");
        lake.seed(record);

        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(eventId).isEmpty());
        String text = slack.messagesMentioning(eventId).get(0).allText();
        assertTrue(text.contains("Could not read* which groups alice (AssumedRole) put on " + host.interfaceId()),
                text);
        assertTrue(text.contains("an item of the group set names no group ID"), text);
        assertTrue(text.contains("Traffic may be open"), text);
        await().atMost(Duration.ofSeconds(10)).until(() -> "UNREADABLE".equals(Announced.status(moto, eventId)));
        // the Lake keeps returning it: told once
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> slack.messagesMentioning(eventId).size() == 1);
        assertEquals(before + 1, DetectionScenariosTest.metric("sgwarden_attachments_total{outcome=\"unreadable\"}"));
    }

    @ConfigProperty(name = "sgwarden.own-load-balancer.security-group")
    String ownGroup;

    /**
     * sgwarden's own load balancer group put on an interface (as the load balancer's are): posted in full with
     * why it is never reverted, not approved unposted as a group whose rules a policy approves would be, and
     * left on the interface; a Deny made up for it is refused.
     */
    @Test
    void theOwnLoadBalancerGroupAttachedIsAnnouncedWithWhyAndStaysOn() {
        Interfaces.Host host;
        try (Ec2Client ec2 = Aws.ec2In(moto, Accounts.SECURITY, Accounts.REGION)) {
            ec2.authorizeSecurityGroupIngress(b -> b.groupId(ownGroup).ipPermissions(Accounts.tcp(443, "0.0.0.0/0")));
            String vpc = ec2.describeSecurityGroups(b -> b.groupIds(ownGroup)).securityGroups().get(0).vpcId();
            String subnet = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.0.1.0/24")).subnet().subnetId();
            String base = ec2.createSecurityGroup(b -> b.groupName("base").description("base").vpcId(vpc)).groupId();
            String image = ec2.describeImages().images().get(0).imageId();
            var instance = ec2.runInstances(b -> b.imageId(image).minCount(1).maxCount(1).subnetId(subnet)
                    .securityGroupIds(base)).instances().get(0);
            host = new Interfaces.Host(Accounts.SECURITY, Accounts.REGION, vpc, subnet, instance.instanceId(),
                    instance.networkInterfaces().get(0).networkInterfaceId(), base);
        }
        Interfaces.Attached attached = Interfaces.setGroups(moto, host, List.of(host.baseGroup(), ownGroup));
        lake.seed(attached.record());

        String changeId = attached.changeId(ownGroup);
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(changeId).isEmpty());
        SlackStandIn.Received posted = slack.messagesMentioning(changeId).get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> "APPROVED".equals(Announced.status(moto, changeId)));
        assertTrue(posted.allText().contains("sgwarden's own load balancer group: reverting it would cut Slack off"
                + " from sgwarden"), posted.allText());
        assertTrue(posted.allText().contains("is now on " + host.interfaceId()), posted.allText());
        assertEquals(List.of(), Clicks.buttons(posted), "no Deny");

        Clicks.click(DENY, changeId, "U0BOB", "bob", slack.newResponseUrl()).expect(200)
                .saying("sgwarden's own load balancer group");
        assertEquals("APPROVED", Announced.status(moto, changeId));
        assertEquals(Set.of(host.baseGroup(), ownGroup), Interfaces.groupsOn(moto, host), "still on the interface");
    }
}
