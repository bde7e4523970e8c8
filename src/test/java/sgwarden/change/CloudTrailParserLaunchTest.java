package sgwarden.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** RunInstances and CreateNetworkInterface records: what they launched, and what the request says of groups. */
class CloudTrailParserLaunchTest {

    private final CloudTrailParser parser = new CloudTrailParser(new ObjectMapper());

    static String run() {
        return CloudTrailParserTest.fixture("run-instances.json");
    }

    @Test
    void aLaunchNamesTheInstancesItStartedAndTheGroupIdsOfItsRequest() {
        SecurityGroupChange change = parser.parse(run(), "lake");
        Attachment a = change.attachment();
        assertEquals(List.of("i-0123456789abcdef0", "i-0fedcba9876543210"), a.launched());
        assertEquals(List.of("sg-0aaa1111bbbb2222c"), a.groups());
        assertNull(a.notById(), "the placement group's groupName is not a security group");
        assertNull(a.unreadable());
        assertNull(a.interfaceId());
        assertEquals("2 launched instances (i-0123456789abcdef0, i-0fedcba9876543210)", a.target());
        assertTrue(change.rules().isEmpty(), "the groups are read through the spoke role");

        SecurityGroupChange eni = parser.parse(CloudTrailParserTest.fixture("create-network-interface.json"), "lake");
        assertEquals(new Attachment("eni-0b1b2c3d4e5f60719", null, List.of("sg-0aaa1111bbbb2222c",
                "sg-0ddd3333eeee4444f"), null, List.of("eni-0b1b2c3d4e5f60719"), null), eni.attachment());
    }

    @Test
    void groupsInTheInterfaceSetByNameOrFromATemplateAreNotTakenFromTheRequest() {
        String perInterface = run().replace("\"groupSet\": {\"items\": [{\"groupId\": \"sg-0aaa1111bbbb2222c\"}]},",
                "\"networkInterfaceSet\": {\"items\": [{\"deviceIndex\": 0, \"subnetId\": \"subnet-0123456789abcdef0\","
                        + " \"groupSet\": {\"items\": [{\"groupId\": \"sg-0ddd3333eeee4444f\"}]}}]},");
        assertEquals(List.of("sg-0ddd3333eeee4444f"), parser.parse(perInterface, "t").attachment().groups());

        String byName = run().replace("{\"groupId\": \"sg-0aaa1111bbbb2222c\"}]},\n    \"instanceType\"",
                "{\"groupName\": \"legacy-open\"}]},\n    \"instanceType\"");
        Attachment named = parser.parse(byName, "t").attachment();
        assertTrue(named.groups().isEmpty());
        assertEquals("the request names groups by name (legacy-open)", named.notById());
        assertEquals(2, named.launched().size());

        String template = run().replace("\"groupSet\": {\"items\": [{\"groupId\": \"sg-0aaa1111bbbb2222c\"}]},",
                "\"launchTemplate\": {\"launchTemplateId\": \"lt-0abc1234def567890\", \"version\": \"3\"},");
        assertEquals("a launch template (lt-0abc1234def567890) gives the groups",
                parser.parse(template, "t").attachment().notById());

        String unknownShape = run().replace("\"groupSet\": {\"items\": [{\"groupId\": \"sg-0aaa1111bbbb2222c\"}]},",
                "\"securityGroupRefs\": {\"items\": [{\"ref\": \"sg-0aaa1111bbbb2222c\"}]},");
        assertEquals("the request names groups in a shape sgwarden does not know",
                parser.parse(unknownShape, "t").attachment().notById());
    }

    @Test
    void aLaunchThatNamesNoGroupIsSkippedOneWhoseResponseIsMissingFailsClosed() {
        String none = run().replace("\"groupSet\": {\"items\": [{\"groupId\": \"sg-0aaa1111bbbb2222c\"}]},", "");
        assertNull(parser.parse(none, "t"), "the VPC's default group: its own rule changes are watched");
        assertNull(parser.parse(run().replace("\"eventCategory\"", "\"errorCode\": \"DryRunOperation\","
                + " \"eventCategory\""), "t"), "a dry run or failed launch started nothing");

        for (String broken : List.of(
                run().replace("\"instancesSet\": {\n      \"items\"", "\"instancesSet\": {\n      \"members\""),
                run().replace("\"instanceId\": \"i-0fedcba9876543210\"", "\"instanceId\": \"<!channel>\""),
                CloudTrailParserTest.fixture("create-network-interface.json").replace("\"networkInterface\": {",
                        "\"interface\": {"))) {
            SecurityGroupChange change = parser.parse(broken, "t");
            assertNotNull(change, "not skipped: " + broken);
            assertTrue(change.attachment().unreadable().contains("the response does not name the "),
                    change.attachment().unreadable());
        }
    }

    @Test
    void theResponseListsEachInstancesInterfacesWhereItHasThem() {
        assertEquals(java.util.Map.of("i-0123456789abcdef0", List.of("eni-0a1b2c3d4e5f60718"),
                "i-0fedcba9876543210", List.of()), parser.launchedInterfaces(run()));
        assertEquals(java.util.Map.of(), parser.launchedInterfaces("not json"));
    }

    @Test
    void aStoredLaunchAttachmentIsReadBackForDenyAndRestore() {
        SecurityGroupChange found = parser.parse(run(), "lake");
        Rule ssh = new Rule("sgr-0123", "tcp", 22, 22, new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null), null);
        Attachment on = new Attachment("eni-0a1b2c3d4e5f60718", "i-0123456789abcdef0", List.of("sg-0aaa1111bbbb2222c"));
        SecurityGroupChange attached = SecurityGroupChange.attached(found,
                found.eventId() + "#eni-0a1b2c3d4e5f60718#sg-0aaa1111bbbb2222c", "sg-0aaa1111bbbb2222c", List.of(ssh),
                on, found.record());
        SecurityGroupChange back = parser.parse(parser.stored(attached), null);
        assertEquals(attached.eventId(), back.eventId());
        assertEquals(on, back.attachment());
        assertEquals(List.of(ssh), back.rules());
    }
}
