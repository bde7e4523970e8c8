package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;

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
import sgwarden.testing.Profiles;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;

/**
 * Instances launched (RunInstances) and interfaces created (CreateNetworkInterface) in moto with groups,
 * read from the Lake: the groups on each created interface, as the spoke role reads them, meet the
 * policies as if their rules were added now; Deny takes the group off that interface.
 */
@QuarkusTest
@TestProfile(Profiles.LakeAttachments.class)
class LaunchAttachmentsTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    static String ids(String key, List<String> groups) {
        StringBuilder items = new StringBuilder();
        for (String g : groups) {
            items.append(items.length() == 0 ? "" : ",").append("{\"").append(key).append("\":\"").append(g)
                    .append("\"}");
        }
        return "{\"items\":[" + items + "]}";
    }

    static String launchRequest(int count, String groupsPart) {
        return "{\"instancesSet\":{\"items\":[{\"imageId\":\"ami-0abcdef1234567890\",\"minCount\":" + count
                + ",\"maxCount\":" + count + "}]},\"instanceType\":\"t3.micro\",\"blockDeviceMapping\":{},"
                + "\"monitoring\":{\"enabled\":false},\"disableApiTermination\":false"
                + (groupsPart.isEmpty() ? "" : "," + groupsPart) + "}";
    }

    static String interfaceSet(Interfaces.Host host, List<String> groups) {
        return "\"networkInterfaceSet\":{\"items\":[{\"deviceIndex\":0,\"subnetId\":\"" + host.subnetId()
                + "\",\"groupSet\":" + ids("groupId", groups) + "}]}";
    }

    static Instant recently() {
        return Instant.now().minusSeconds(30);
    }

    String announced(String changeId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(changeId).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, changeId)));
        return slack.messagesMentioning(changeId).get(0).allText();
    }

    @Test
    void anInsiderLaunchesAnInstanceWithTheOpenGroupAndDenyTakesItOff() {
        Interfaces.Host host = Interfaces.launch(moto, Accounts.MEMBER, Accounts.REGION);
        String open = Interfaces.group(moto, host, "legacy-open", Accounts.tcp(22, "0.0.0.0/0"));
        List<String> groups = List.of(host.baseGroup(), open);
        Instance launched = Interfaces.launchInstances(moto, host, 1, groups).get(0);
        String eni = launched.networkInterfaces().get(0).networkInterfaceId();
        String eventId = UUID.randomUUID().toString();
        lake.seed(Records.runInstances(eventId, recently(), host.account(), host.region(),
                launchRequest(1, interfaceSet(host, groups)), List.of(launched)));

        String changeId = eventId + "#" + eni + "#" + open;
        String text = announced(changeId);
        assertTrue(text.contains("legacy-open (22/tcp from 0.0.0.0/0) is now on " + eni + " of "
                + launched.instanceId()), text);
        assertTrue(text.contains("launched an instance with a group"), text);
        assertTrue(text.contains("open to the whole internet"), text);
        String url = slack.newResponseUrl();

        Clicks.click(AttachmentsTest.DENY, changeId, "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, changeId)));
        assertEquals(Set.of(host.baseGroup()), Interfaces.groupsOn(moto, host, eni));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(url).isEmpty());
        assertTrue(slack.responses(url).get(0).allText().contains("the group is off the interface"),
                slack.responses(url).get(0).allText());
    }

    @Test
    void aNewInterfaceOrALaunchWithOnlyApprovedGroupsIsCountedNotPosted() {
        Interfaces.Host host = Interfaces.launch(moto, Accounts.MEMBER, Accounts.REGION);
        String https = Interfaces.group(moto, host, "internal-https", Accounts.tcp(443, "10.0.0.0/8"));
        List<String> groups = List.of(host.baseGroup(), https);
        double before = DetectionScenariosTest.metric("sgwarden_attachments_total{outcome=\"approved\"}");
        NetworkInterface created = Interfaces.createInterface(moto, host, groups);
        String created1 = UUID.randomUUID().toString();
        lake.seed(Records.createNetworkInterface(created1, recently(), host.account(), host.region(),
                "{\"subnetId\":\"" + host.subnetId() + "\",\"groupSet\":" + ids("groupId", groups) + "}", created));
        Instance launched = Interfaces.launchInstances(moto, host, 1, groups).get(0);
        String launch = UUID.randomUUID().toString();
        lake.seed(Records.runInstances(launch, recently(), host.account(), host.region(),
                launchRequest(1, interfaceSet(host, groups)), List.of(launched)));

        String createdChange = created1 + "#" + https;
        String launchChange = launch + "#" + launched.networkInterfaces().get(0).networkInterfaceId() + "#" + https;
        await().atMost(Duration.ofSeconds(30)).until(() -> "APPROVED".equals(Announced.status(moto, createdChange))
                && "APPROVED".equals(Announced.status(moto, launchChange)));
        assertEquals(before + 2, DetectionScenariosTest.metric("sgwarden_attachments_total{outcome=\"approved\"}"));
        assertTrue(slack.messagesMentioning(created1).isEmpty(), "nothing posted");
        assertTrue(slack.messagesMentioning(launch).isEmpty(), "nothing posted");
    }

    @Test
    void groupsNamedByNameInADefaultVpcAreReadThroughTheSpokeRole() {
        String open;
        Instance launched;
        try (var ec2 = Aws.ec2In(moto, Accounts.MEMBER, Accounts.REGION)) {
            String name = "default-open-" + UUID.randomUUID().toString().substring(0, 8);
            open = ec2.createSecurityGroup(b -> b.groupName(name).description(name)).groupId();
            ec2.authorizeSecurityGroupIngress(b -> b.groupId(open).ipPermissions(Accounts.tcp(3389, "0.0.0.0/0")));
            String image = ec2.describeImages().images().get(0).imageId();
            launched = ec2.runInstances(b -> b.imageId(image).minCount(1).maxCount(1).securityGroups(name))
                    .instances().get(0);
            String eventId = UUID.randomUUID().toString();
            lake.seed(Records.runInstances(eventId, recently(), Accounts.MEMBER, Accounts.REGION,
                    launchRequest(1, "\"groupSet\":" + ids("groupName", List.of(name))), List.of(launched)));
            String eni = launched.networkInterfaces().get(0).networkInterfaceId();

            String text = announced(eventId + "#" + eni + "#" + open);
            assertTrue(text.contains(name + " (3389/tcp from 0.0.0.0/0) is now on " + eni + " of "
                    + launched.instanceId()), text);
        }
    }

    @Test
    void aLaunchWhoseGroupsCannotBeReadAnyMoreIsToldToAPerson() {
        double before = DetectionScenariosTest.metric("sgwarden_attachments_total{outcome=\"unreadable\"}");
        // terminated before sgwarden read them: moto has no such instances
        Instance gone = Instance.builder().instanceId("i-00000000000dead01").build();
        String byName = UUID.randomUUID().toString();
        lake.seed(Records.runInstances(byName, recently(), Accounts.MEMBER, Accounts.REGION,
                launchRequest(1, "\"groupSet\":" + ids("groupName", List.of("legacy-open"))), List.of(gone)));
        String byTemplate = UUID.randomUUID().toString();
        lake.seed(Records.runInstances(byTemplate, recently(), Accounts.MEMBER, Accounts.REGION,
                launchRequest(1,
                        "\"launchTemplate\":{\"launchTemplateId\":\"lt-0abc1234def567890\",\"version\":\"3\"}"),
                List.of(Instance.builder().instanceId("i-00000000000dead02").build())));

        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(byName).isEmpty()
                && !slack.messagesMentioning(byTemplate).isEmpty());
        String text = slack.messagesMentioning(byName).get(0).allText();
        assertTrue(text.contains("Could not read* which groups alice (AssumedRole) put on i-00000000000dead01"), text);
        assertTrue(text.contains("i-00000000000dead01 is gone, and the request names groups by name (legacy-open)"),
                text);
        assertTrue(text.contains("Traffic may be open"), text);
        String template = slack.messagesMentioning(byTemplate).get(0).allText();
        assertTrue(template.contains("a launch template (lt-0abc1234def567890) gives the groups"), template);
        await().atMost(Duration.ofSeconds(10)).until(() -> "UNREADABLE".equals(Announced.status(moto, byName))
                && "UNREADABLE".equals(Announced.status(moto, byTemplate)));
        assertEquals(before + 2, DetectionScenariosTest.metric("sgwarden_attachments_total{outcome=\"unreadable\"}"));
    }

    @Test
    void anInstanceGoneBeforeItIsReadIsJudgedWithTheGroupIdsOfItsRequestUnderTheSameIds() {
        Interfaces.Host host = Interfaces.launch(moto, Accounts.MEMBER, Accounts.REGION);
        String open = Interfaces.group(moto, host, "legacy-open", Accounts.tcp(22, "0.0.0.0/0"));
        // terminated at once: moto has neither the instance nor its interface
        Instance gone = Instance.builder().instanceId("i-00000000000dead03").networkInterfaces(
                n -> n.networkInterfaceId("eni-00000000000dead03")).build();
        String eventId = UUID.randomUUID().toString();
        lake.seed(Records.runInstances(eventId, recently(), host.account(), host.region(),
                launchRequest(1, "\"groupSet\":" + ids("groupId", List.of(open))), List.of(gone)));

        // the ID a read would have given: a Lake run reading the record again finds the change
        String changeId = eventId + "#eni-00000000000dead03#" + open;
        String text = announced(changeId);
        assertTrue(text.contains("legacy-open (22/tcp from 0.0.0.0/0) is now on eni-00000000000dead03 of"
                + " i-00000000000dead03"), text);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> slack.messagesMentioning(eventId).size() == 1);
    }

    @Test
    void anInsiderLaunchesThreeInstancesFromATemplateWithTheOpenGroupBesideAnApprovedOneEachIsCovered() {
        Interfaces.Host host = Interfaces.launch(moto, Accounts.MEMBER, Accounts.REGION);
        String open = Interfaces.group(moto, host, "legacy-open", Accounts.tcp(22, "0.0.0.0/0"));
        String https = Interfaces.group(moto, host, "internal-https", Accounts.tcp(443, "10.0.0.0/8"));
        List<Instance> launched = Interfaces.launchInstances(moto, host, 3, List.of(https, open));
        String eventId = UUID.randomUUID().toString();
        // the request shows only a launch template: the groups are what the instances really have
        lake.seed(Records.runInstances(eventId, recently(), host.account(), host.region(),
                launchRequest(3, "\"launchTemplate\":{\"launchTemplateName\":\"web\",\"version\":\"$Latest\"}"),
                launched));

        for (Instance instance : launched) {
            String eni = instance.networkInterfaces().get(0).networkInterfaceId();
            String text = announced(eventId + "#" + eni + "#" + open);
            assertTrue(text.contains("legacy-open (22/tcp from 0.0.0.0/0) is now on " + eni + " of "
                    + instance.instanceId()), text);
            String approved = eventId + "#" + eni + "#" + https;
            await().atMost(Duration.ofSeconds(10)).until(() -> "APPROVED".equals(Announced.status(moto, approved)));
            assertTrue(slack.messagesMentioning(approved).isEmpty(), "the approved group is not posted");
        }
    }
}
