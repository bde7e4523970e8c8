package sgwarden.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The parser against CloudTrail records shaped as wire-facts.md describes them (src/test/resources/fixtures). */
class CloudTrailParserTest {

    static final String HOSTILE = "<!channel> *click* <http://evil.example|aws.amazon.com> @here";
    static final String ALICE_ARN = "arn:aws:sts::111111111111:assumed-role/Admin/alice";

    private final CloudTrailParser parser = new CloudTrailParser(new ObjectMapper());

    static String fixture(String name) {
        try (InputStream in = CloudTrailParserTest.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SecurityGroupChange parse(String fixture) {
        SecurityGroupChange change = parser.parse(fixture(fixture), "test");
        assertNotNull(change, fixture);
        return change;
    }

    private static void assertRule(Rule rule, String ruleId, String protocol, Integer from, Integer to,
            Peer.Kind kind, String peer, String owner, String description) {
        assertEquals(ruleId, rule.ruleId(), "ruleId");
        assertEquals(protocol, rule.protocol(), "protocol of " + ruleId);
        assertEquals(from, rule.fromPort(), "fromPort of " + ruleId);
        assertEquals(to, rule.toPort(), "toPort of " + ruleId);
        assertEquals(new Peer(kind, peer, owner), rule.peer(), "peer of " + ruleId);
        assertEquals(description, rule.description(), "description of " + ruleId);
    }

    private static void assertAlice(Actor actor, String sourceIp) {
        assertEquals("alice", actor.name());
        assertEquals("AssumedRole", actor.identityType());
        assertEquals(ALICE_ARN, actor.principalArn());
        assertEquals("111111111111", actor.accountId());
        assertEquals(sourceIp, actor.sourceIp());
    }

    @Test
    void ingressTcp22FromTheWorld() {
        SecurityGroupChange c = parse("ingress-tcp-22-world.json");
        assertEquals("6f0c1e4a-2b7d-4c59-9a3e-81d2f5b0c7e1", c.eventId());
        assertEquals("a3c5e7f9-1b2d-4e6f-8a0b-2c4d6e8f0a1b", c.requestId());
        assertEquals("AuthorizeSecurityGroupIngress", c.eventName());
        assertEquals(Instant.parse("2026-11-28T11:55:00Z"), c.eventTime());
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-west-1", c.region());
        assertEquals("sg-0a1b2c3d4e5f60718", c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        assertEquals("test", c.intake());
        assertAlice(c.actor(), "203.0.113.10");
        assertTrue(c.actor().userAgent().startsWith("aws-cli/2.22.4"));
        assertEquals(1, c.rules().size());
        assertRule(c.rules().get(0), "sgr-0f1e2d3c4b5a69788", "tcp", 22, 22, Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null,
                HOSTILE);
        assertEquals(List.of("sgr-0f1e2d3c4b5a69788"), c.ruleIds());
        assertTrue(c.opensToWorld());
        assertFalse(c.opensAllPorts());
        assertEquals("tcp 22", c.rules().get(0).describeTraffic());
        // a bare record is kept as received
        assertEquals(fixture("ingress-tcp-22-world.json"), c.record());
    }

    @Test
    void egressUdp53() {
        SecurityGroupChange c = parse("egress-udp.json");
        assertEquals("0b9d8c7e-6f5a-4e3d-8c2b-1a0f9e8d7c6b", c.eventId());
        assertEquals("AuthorizeSecurityGroupEgress", c.eventName());
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-west-1", c.region());
        assertEquals("sg-0c2d4e6f8a0b1c3d5", c.groupId());
        assertEquals(Direction.EGRESS, c.direction());
        assertEquals("outbound", c.direction().adjective());
        assertEquals("to", c.direction().peerPreposition());
        assertAlice(c.actor(), "203.0.113.10");
        assertEquals(1, c.rules().size());
        assertRule(c.rules().get(0), "sgr-02468ace13579bdf0", "udp", 53, 53, Peer.Kind.IPV4_CIDR, "10.20.0.2/32",
                null, "VPC resolver");
        assertFalse(c.opensToWorld());
        assertEquals("udp 53", c.rules().get(0).describeTraffic());
    }

    @Test
    void icmpTypeAndCode() {
        SecurityGroupChange c = parse("icmp.json");
        assertEquals("9e8d7c6b-5a4f-4e3d-b2c1-0f9e8d7c6b5a", c.eventId());
        assertEquals("111111111111", c.accountId());
        assertEquals("us-east-1", c.region());
        assertEquals("sg-0123456789abcdef0", c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        assertAlice(c.actor(), "198.51.100.23");
        assertEquals("console.ec2.amazonaws.com", c.actor().userAgent());
        assertEquals(1, c.rules().size());
        Rule r = c.rules().get(0);
        // for icmp, fromPort is the type and toPort the code
        assertRule(r, "sgr-0aa11bb22cc33dd44", "icmp", 8, 0, Peer.Kind.IPV4_CIDR, "198.51.100.0/24", null,
                "ping from monitoring");
        assertTrue(r.isIcmp());
        assertFalse(r.isAllPorts());
        assertEquals("icmp type 8 code 0", r.describeTraffic());
    }

    @Test
    void allTraffic() {
        SecurityGroupChange c = parse("all-traffic.json");
        assertEquals("1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", c.eventId());
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-central-1", c.region());
        assertEquals("sg-0fedcba9876543210", c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        assertAlice(c.actor(), "203.0.113.10");
        assertTrue(c.actor().userAgent().startsWith("Boto3/"));
        assertEquals(1, c.rules().size());
        Rule r = c.rules().get(0);
        assertRule(r, "sgr-0b1c2d3e4f5a6b7c8", "all", -1, -1, Peer.Kind.IPV4_CIDR, "10.0.0.0/8", null, null);
        assertTrue(r.isAllProtocols());
        assertTrue(r.isAllPorts());
        assertTrue(c.opensAllPorts());
        assertFalse(c.opensToWorld());
        assertEquals("all traffic", r.describeTraffic());
    }

    @Test
    void ipv6World() {
        SecurityGroupChange c = parse("ipv6.json");
        assertEquals("2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a", c.eventId());
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-west-1", c.region());
        assertEquals("sg-0a1b2c3d4e5f60718", c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        assertAlice(c.actor(), "203.0.113.10");
        assertEquals(1, c.rules().size());
        assertRule(c.rules().get(0), "sgr-0c3d4e5f6a7b8c9d0", "tcp", 443, 443, Peer.Kind.IPV6_CIDR, "::/0", null,
                "public https");
        assertTrue(c.opensToWorld());
    }

    @Test
    void prefixList() {
        SecurityGroupChange c = parse("prefix-list.json");
        assertEquals("3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7", c.eventId());
        assertEquals("111111111111", c.accountId());
        assertEquals("us-west-2", c.region());
        assertEquals("sg-0b2c3d4e5f6a7b8c9", c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        assertAlice(c.actor(), "203.0.113.10");
        assertTrue(c.actor().userAgent().contains("Terraform/"));
        assertEquals(1, c.rules().size());
        assertRule(c.rules().get(0), "sgr-0d4e5f6a7b8c9d0e1", "tcp", 443, 443, Peer.Kind.PREFIX_LIST,
                "pl-0123abcd4567ef890", null, "office networks");
        assertFalse(c.opensToWorld());
    }

    @Test
    void securityGroupInAnotherAccount() {
        SecurityGroupChange c = parse("sg-reference-cross-account.json");
        assertEquals("4f5a6b7c-8d9e-4f0a-b1c2-d3e4f5a6b7c8", c.eventId());
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-west-1", c.region());
        assertEquals("sg-0d1e2f3a4b5c6d7e8", c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        assertAlice(c.actor(), "203.0.113.10");
        assertEquals(1, c.rules().size());
        Rule r = c.rules().get(0);
        assertRule(r, "sgr-0e5f6a7b8c9d0e1f2", "tcp", 5432, 5432, Peer.Kind.SECURITY_GROUP, "sg-0333aaa3333bbb333",
                "333333333333", "app tier in shared services");
        assertEquals("sg-0333aaa3333bbb333 (account 333333333333)", r.peer().describe());
    }

    @Test
    void severalPermissionsAndSeveralPeerKinds() {
        SecurityGroupChange c = parse("multi-permission.json");
        assertEquals("5a6b7c8d-9e0f-4a1b-8c2d-e3f4a5b6c7d8", c.eventId());
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-west-1", c.region());
        String g = "sg-0e1f2a3b4c5d6e7f8";
        assertEquals(g, c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        assertAlice(c.actor(), "203.0.113.10");
        List<Rule> rules = c.rules();
        assertEquals(6, rules.size());
        assertRule(rules.get(0), "sgr-0100000000000000a", "tcp", 443, 443, Peer.Kind.IPV4_CIDR, "10.0.0.0/16", null,
                "vpc a");
        assertRule(rules.get(1), "sgr-0100000000000000b", "tcp", 443, 443, Peer.Kind.IPV4_CIDR, "192.168.10.0/24",
                null, null);
        assertRule(rules.get(2), "sgr-0100000000000000c", "tcp", 443, 443, Peer.Kind.IPV6_CIDR, "2001:db8::/32",
                null, "vpc a v6");
        assertRule(rules.get(3), "sgr-0100000000000000d", "tcp", 443, 443, Peer.Kind.PREFIX_LIST,
                "pl-0abc1234def567890", null, null);
        assertRule(rules.get(4), "sgr-0100000000000000e", "tcp", 8080, 8090, Peer.Kind.IPV4_CIDR, "172.16.0.0/12",
                null, "admin ports");
        assertRule(rules.get(5), "sgr-0100000000000000f", "udp", 1000, 2000, Peer.Kind.SECURITY_GROUP,
                "sg-0999888777666555a", "111111111111", null);
        assertEquals(List.of("sgr-0100000000000000a", "sgr-0100000000000000b", "sgr-0100000000000000c",
                "sgr-0100000000000000d", "sgr-0100000000000000e", "sgr-0100000000000000f"), c.ruleIds());
        assertEquals("tcp 8080-8090", rules.get(4).describeTraffic());
        assertFalse(c.opensToWorld());
        assertFalse(c.opensAllPorts());
    }

    @Test
    void callerFromAnotherAccountRevertsInTheRecipientAccount() {
        SecurityGroupChange c = parse("cross-account-caller.json");
        assertEquals("6b7c8d9e-0f1a-4b2c-9d3e-f4a5b6c7d8e9", c.eventId());
        // the group's owner, not the caller
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-west-1", c.region());
        assertEquals("sg-0a1b2c3d4e5f60718", c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        Actor a = c.actor();
        assertEquals("alice", a.name());
        assertEquals("AssumedRole", a.identityType());
        assertEquals("arn:aws:sts::222222222222:assumed-role/Admin/alice", a.principalArn());
        assertEquals("222222222222", a.accountId());
        assertEquals("192.0.2.44", a.sourceIp());
        assertEquals(1, c.rules().size());
        assertRule(c.rules().get(0), "sgr-0f6a7b8c9d0e1f2a3", "tcp", 3389, 3389, Peer.Kind.IPV4_CIDR,
                "203.0.113.0/24", null, null);
    }

    @Test
    void failedCallIsSkipped() {
        assertNull(parser.parse(fixture("failed-call.json"), "test"));
    }

    @Test
    void unparseableRecordKeepsItsEventId() {
        UnparseableRecordException e = assertThrows(UnparseableRecordException.class,
                () -> parser.parse(fixture("unparseable.json"), "test"));
        assertEquals("8d9e0f1a-2b3c-4d4e-9f5a-b6c7d8e9f0a1", e.eventId());
        assertTrue(e.getMessage().contains("8d9e0f1a-2b3c-4d4e-9f5a-b6c7d8e9f0a1"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json at all", "{\"eventID\": ", "", "[1, 2, 3]", "\"a string\"", "null", "42"})
    void notAJsonObject(String input) {
        UnparseableRecordException e = assertThrows(UnparseableRecordException.class,
                () -> parser.parse(input, "test"));
        assertNull(e.eventId());
    }

    @Test
    void recordWithoutEventId() {
        UnparseableRecordException e = assertThrows(UnparseableRecordException.class,
                () -> parser.parse("{\"eventName\":\"AuthorizeSecurityGroupIngress\"}", "test"));
        assertNull(e.eventId());
    }

    @Test
    void eventBridgeEnvelopeIsReadFromDetail() throws Exception {
        SecurityGroupChange c = parser.parse(fixture("eventbridge-envelope.json"), "sqs");
        assertNotNull(c);
        // the record's eventID, not the envelope's id
        assertEquals("9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c", c.eventId());
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-west-1", c.region());
        assertEquals("sg-0a1b2c3d4e5f60718", c.groupId());
        assertEquals(Direction.INGRESS, c.direction());
        assertEquals(Instant.parse("2026-11-28T11:55:00Z"), c.eventTime());
        assertEquals("sqs", c.intake());
        assertAlice(c.actor(), "203.0.113.10");
        assertEquals(1, c.rules().size());
        assertRule(c.rules().get(0), "sgr-0f1e2d3c4b5a69788", "tcp", 22, 22, Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null,
                HOSTILE);
        // the record kept is the CloudTrail record, without the envelope
        ObjectMapper json = new ObjectMapper();
        JsonNode kept = json.readTree(c.record());
        assertEquals(json.readTree(fixture("eventbridge-envelope.json")).get("detail"), kept);
        assertFalse(kept.has("detail-type"));
    }

    @Test
    void envelopeAndBareRecordAgreeExceptForEventId() {
        SecurityGroupChange bare = parse("ingress-tcp-22-world.json");
        SecurityGroupChange wrapped = parse("eventbridge-envelope.json");
        assertEquals(bare.rules(), wrapped.rules());
        assertEquals(bare.actor(), wrapped.actor());
        assertEquals(bare.groupId(), wrapped.groupId());
        assertFalse(bare.eventId().equals(wrapped.eventId()));
    }

    @Test
    void recordWithoutRuleSetTakesRulesFromTheRequest() {
        SecurityGroupChange c = parse("legacy-no-rule-set.json");
        assertEquals("a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d", c.eventId());
        assertEquals("ap-southeast-2", c.region());
        assertEquals("sg-0a0b0c0d0e0f01020", c.groupId());
        List<Rule> rules = c.rules();
        assertEquals(3, rules.size());
        assertRule(rules.get(0), null, "tcp", 80, 80, Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null, "http");
        assertRule(rules.get(1), null, "tcp", 80, 80, Peer.Kind.IPV6_CIDR, "::/0", null, null);
        // "6" is tcp by number
        assertRule(rules.get(2), null, "tcp", 8443, 8443, Peer.Kind.SECURITY_GROUP, "sg-0333aaa3333bbb333",
                "333333333333", null);
        assertTrue(c.ruleIds().isEmpty());
    }

    @Test
    void otherEventNamesAreSkipped() {
        String revoke = fixture("ingress-tcp-22-world.json")
                .replace("\"AuthorizeSecurityGroupIngress\"", "\"RevokeSecurityGroupIngress\"");
        assertNull(parser.parse(revoke, "test"));
    }

    @Test
    void invalidRecipientAccountIsRejected() {
        String bad = fixture("ingress-tcp-22-world.json")
                .replace("\"recipientAccountId\": \"111111111111\"", "\"recipientAccountId\": \"11111111111x\"");
        UnparseableRecordException e = assertThrows(UnparseableRecordException.class, () -> parser.parse(bad, "t"));
        assertEquals("6f0c1e4a-2b7d-4c59-9a3e-81d2f5b0c7e1", e.eventId());
    }

    @Test
    void protocolNames() {
        assertEquals("all", CloudTrailParser.protocol("-1"));
        assertEquals("tcp", CloudTrailParser.protocol("6"));
        assertEquals("tcp", CloudTrailParser.protocol("TCP"));
        assertEquals("udp", CloudTrailParser.protocol("17"));
        assertEquals("icmp", CloudTrailParser.protocol("1"));
        assertEquals("icmpv6", CloudTrailParser.protocol("58"));
        assertEquals("icmpv6", CloudTrailParser.protocol("icmpv6"));
        assertEquals("47", CloudTrailParser.protocol("47"));
        assertThrows(IllegalArgumentException.class, () -> CloudTrailParser.protocol("gre"));
    }

    @Test
    void modifyOneRuleDirect() {
        SecurityGroupChange c = parse("modify-single.json");
        assertTrue(c.isModification());
        assertEquals("7a1d2e3f-4b5c-4d6e-8f70-91a2b3c4d5e6", c.eventId());
        assertEquals("sg-0a1b2c3d4e5f60718", c.groupId());
        assertEquals("111111111111", c.accountId());
        assertEquals("eu-west-1", c.region());
        assertAlice(c.actor(), "203.0.113.10");
        assertEquals(1, c.rules().size());
        assertRule(c.rules().get(0), "sgr-0aa11bb22cc33dd44", "tcp", 6379, 6379, Peer.Kind.IPV4_CIDR, "0.0.0.0/0",
                null, "redis");
        assertEquals(List.of("sgr-0aa11bb22cc33dd44"), c.ruleIds());
        assertTrue(c.opensToWorld());
        Modification m = c.modifications().get(0);
        assertFalse(m.earlierKnown(), "CloudTrail does not record the earlier form");
        assertNull(m.direction());
        assertFalse(c.descriptionOnly());
    }

    @Test
    void modifySeveralRulesUnderEventBridgeDetail() {
        SecurityGroupChange c = parse("modify-several-eventbridge.json");
        assertEquals("8b2e3f40-5c6d-4e7f-9081-a2b3c4d5e6f7", c.eventId());
        assertEquals(4, c.rules().size());
        assertRule(c.rules().get(0), "sgr-0aa11bb22cc33dd44", "tcp", 0, 65535, Peer.Kind.IPV4_CIDR, "10.0.0.0/8",
                null, "redis");
        assertRule(c.rules().get(1), "sgr-0bb22cc33dd44ee55", "all", -1, -1, Peer.Kind.IPV6_CIDR, "::/0", null, null);
        assertRule(c.rules().get(2), "sgr-0cc33dd44ee55ff66", "udp", 53, 53, Peer.Kind.PREFIX_LIST,
                "pl-0123456789abcdef0", null, "dns");
        assertRule(c.rules().get(3), "sgr-0dd44ee55ff66aa77", "tcp", 5432, 5432, Peer.Kind.SECURITY_GROUP,
                "sg-0fedcba9876543210", null, null);
        assertTrue(c.opensToWorld());
        assertTrue(c.opensAllPorts());
        // the record inside the envelope is what is stored
        assertTrue(c.record().startsWith("{\"eventVersion\""), c.record().substring(0, 40));
    }

    @Test
    void modifyDescriptionOnlyIsKnownOnlyWithTheEarlierForm() {
        SecurityGroupChange c = parse("modify-single.json");
        Rule before = new Rule("sgr-0aa11bb22cc33dd44", "tcp", 6379, 6379,
                new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null), "cache");
        assertTrue(c.withEarlier(java.util.Map.of("sgr-0aa11bb22cc33dd44", new KnownForm(Direction.INGRESS, before)))
                .descriptionOnly());
        Rule narrower = new Rule("sgr-0aa11bb22cc33dd44", "tcp", 6379, 6379,
                new Peer(Peer.Kind.IPV4_CIDR, "10.0.0.0/8", null), "redis");
        SecurityGroupChange widened = c.withEarlier(
                java.util.Map.of("sgr-0aa11bb22cc33dd44", new KnownForm(Direction.INGRESS, narrower)));
        assertFalse(widened.descriptionOnly());
        assertEquals(Direction.INGRESS, widened.modifications().get(0).direction());
        SecurityGroupChange outbound = c.withEarlier(java.util.Map.of("sgr-0aa11bb22cc33dd44",
                new KnownForm(Direction.EGRESS, narrower)));
        assertEquals(Direction.EGRESS, outbound.direction(), "the direction the ledger knows");
    }

    @Test
    void modifyUnreadableShapesAreRejectedFailedOnesSkipped() {
        UnparseableRecordException e = assertThrows(UnparseableRecordException.class,
                () -> parser.parse(fixture("modify-unreadable.json"), "t"));
        assertEquals("9c3f4051-6d7e-4f80-a192-b3c4d5e6f708", e.eventId());
        assertTrue(e.getMessage().contains("no new form"), e.getMessage());
        String noGroup = fixture("modify-single.json").replace("\"GroupId\"", "\"Other\"");
        assertTrue(assertThrows(UnparseableRecordException.class, () -> parser.parse(noGroup, "t")).getMessage()
                .contains("no GroupId"));
        String noPeer = fixture("modify-single.json").replace("\"CidrIpv4\"", "\"Cidr\"");
        assertTrue(assertThrows(UnparseableRecordException.class, () -> parser.parse(noPeer, "t")).getMessage()
                .contains("has no peer"));
        String noRules = fixture("modify-single.json").replace("\"SecurityGroupRule\": {", "\"Rules\": {");
        assertThrows(UnparseableRecordException.class, () -> parser.parse(noRules, "t"));
        String failed = fixture("modify-single.json").replace("\"eventCategory\"",
                "\"errorCode\": \"InvalidSecurityGroupRuleId.NotFound\", \"eventCategory\"");
        assertNull(parser.parse(failed, "t"));
        String notDone = fixture("modify-single.json").replace("\"return\": true", "\"return\": false");
        assertNull(parser.parse(notDone, "t"));
    }

    @Test
    void modifyKeysAreFoundWhateverTheirCase() {
        String lower = fixture("modify-single.json").replace("ModifySecurityGroupRulesRequest",
                "modifySecurityGroupRulesRequest").replace("\"CidrIpv4\"", "\"cidrIpv4\"");
        assertEquals("0.0.0.0/0", parser.parse(lower, "t").rules().get(0).peer().value());
    }

    @Test
    void aGroupSetOnAnInterfaceOrAnInstanceIsAnAttachmentOfTheWholeNewSet() {
        SecurityGroupChange eni = parse("attach-interface.json");
        assertTrue(eni.changesAttachment());
        assertEquals(new Attachment("eni-0a1b2c3d4e5f60718", null, List.of("sg-0aaa1111bbbb2222c",
                "sg-0ddd3333eeee4444f")), eni.attachment());
        assertEquals("111111111111", eni.accountId());
        assertEquals("eu-west-1", eni.region());
        assertTrue(eni.rules().isEmpty(), "the rules are read through the spoke role, not from the record");
        assertAlice(eni.actor(), "203.0.113.10");

        SecurityGroupChange instance = parse("attach-instance.json");
        assertEquals(new Attachment(null, "i-0123456789abcdef0", List.of("sg-0ddd3333eeee4444f")),
                instance.attachment());
        assertEquals("the primary interface of i-0123456789abcdef0", instance.attachment().target());
        // the lower-case SDK shape of the items is read too
        String capital = fixture("attach-instance.json").replace("\"groupId\"", "\"GroupId\"");
        assertEquals(List.of("sg-0ddd3333eeee4444f"), parser.parse(capital, "t").attachment().groups());
    }

    @Test
    void otherAttributesAreSkippedGroupSetsThatCannotBeReadAreSaidToBe() {
        String sourceDest = fixture("attach-instance.json").replace("\"groupSet\"", "\"sourceDestCheck\"");
        assertNull(parser.parse(sourceDest, "t"), "no group set: another attribute");
        String failed = fixture("attach-interface.json").replace("\"eventCategory\"",
                "\"errorCode\": \"UnauthorizedOperation\", \"eventCategory\"");
        assertNull(parser.parse(failed, "t"));
        for (String broken : List.of(
                fixture("attach-interface.json").replace("\"groupId\": \"sg-0aaa1111bbbb2222c\"", "\"group\": 1"),
                fixture("attach-interface.json").replace("\"items\"", "\"members\""),
                fixture("attach-interface.json").replace("\"networkInterfaceId\"", "\"interface\""),
                fixture("attach-interface.json").replace("sg-0aaa1111bbbb2222c", "sg-<!channel>"),
                fixture("attach-interface.json").replace("\"requestParameters\"", "\"request\""))) {
            SecurityGroupChange change = parser.parse(broken, "t");
            assertNotNull(change, "not skipped: " + broken);
            assertTrue(change.attachment().unreadable().startsWith("could not read the "),
                    change.attachment().unreadable());
            assertTrue(change.attachment().groups().isEmpty());
        }
    }

    @Test
    void aStoredAttachmentIsReadBackWithWhatWasReadButNeverFromALiveIntake() {
        SecurityGroupChange found = parse("attach-instance.json");
        Rule ssh = new Rule("sgr-0123", "tcp", 22, 22, new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null), null);
        SecurityGroupChange attached = SecurityGroupChange.attached(found, found.eventId() + "#sg-0ddd3333eeee4444f",
                "sg-0ddd3333eeee4444f", List.of(ssh),
                new Attachment("eni-0a1b2c3d4e5f60718", "i-0123456789abcdef0", found.attachment().groups()),
                found.record());
        String stored = parser.stored(attached);

        SecurityGroupChange back = parser.parse(stored, null);
        assertEquals(attached.eventId(), back.eventId());
        assertEquals("sg-0ddd3333eeee4444f", back.groupId());
        assertEquals(List.of(ssh), back.rules());
        assertEquals(attached.attachment(), back.attachment());
        // a live record carrying the same field (it cannot, but say it did) is read as the record alone
        SecurityGroupChange live = parser.parse(stored, "lake");
        assertEquals(found.eventId(), live.eventId());
        assertTrue(live.rules().isEmpty());
        assertNull(live.attachment().interfaceId());
    }

    @Test
    void tagsOnGroupsAreReadAndOtherResourcesLeftOut() {
        SecurityGroupChange tags = parse("create-tags.json");
        assertTrue(tags.changesTags());
        assertEquals(List.of("sg-0a1b2c3d4e5f60718"), tags.tagging().groups(), "the instance is left out");
        assertEquals(List.of(new Tagging.Tag("team", "platform")), tags.tagging().tags());
        assertEquals("111111111111", tags.accountId());
        assertTrue(tags.rules().isEmpty());

        assertNull(parser.parse(fixture("create-tags.json").replace("\"resourceId\": \"sg-0a1b2c3d4e5f60718\"",
                "\"resourceId\": \"vol-0a1b2c3d4e5f60718\""), "t"), "no group tagged: skipped");
        // a DeleteTags may name a key alone, or no tag at all (every tag goes)
        SecurityGroupChange keyOnly = parser.parse(fixture("create-tags.json").replace("CreateTags", "DeleteTags")
                .replace(", \"value\": \"platform\"", ""), "t");
        assertEquals(List.of(new Tagging.Tag("team", null)), keyOnly.tagging().tags());
        SecurityGroupChange all = parser.parse(fixture("create-tags.json").replace("CreateTags", "DeleteTags")
                .replace("\"tagSet\": {\"items\": [{\"key\": \"team\", \"value\": \"platform\"}]}", "\"tagSet\": {}"),
                "t");
        assertTrue(all.tagging().tags().isEmpty());
    }

    @Test
    void tagRecordsThatCannotBeReadAreUnparseable() {
        for (String broken : List.of(
                fixture("create-tags.json").replace("\"tagSet\": {\"items\"", "\"tagSet\": {\"entries\""),
                fixture("create-tags.json").replace("\"key\": \"team\", ", ""),
                fixture("create-tags.json").replace("\"resourcesSet\"", "\"resources\""),
                fixture("create-tags.json").replace("sg-0a1b2c3d4e5f60718", "sg-<!channel>"),
                fixture("create-tags.json").replace("\"requestParameters\"", "\"request\""))) {
            UnparseableRecordException e = org.junit.jupiter.api.Assertions.assertThrows(
                    UnparseableRecordException.class, () -> parser.parse(broken, "t"), broken);
            assertTrue(e.getMessage().contains("CreateTags"), e.getMessage());
        }
    }

    @Test
    void aStoredTagChangeIsReadBackButNeverFromALiveIntake() {
        SecurityGroupChange found = parse("create-tags.json");
        SecurityGroupChange one = SecurityGroupChange.tagged(found, found.eventId() + "#sg-0a1b2c3d4e5f60718",
                "sg-0a1b2c3d4e5f60718", found.tagging().of("sg-0a1b2c3d4e5f60718", java.util.Map.of("team", "legacy"),
                        java.util.Map.of("team", "platform"), List.of("approve|platform-team-trusted|on")),
                found.record());
        String stored = parser.storedTags(one);
        SecurityGroupChange back = parser.parse(stored, null);
        assertEquals(one.eventId(), back.eventId());
        assertEquals(java.util.Map.of("team", "legacy"), back.tagging().before());
        assertEquals(List.of("approve|platform-team-trusted|on"), back.tagging().switches());
        // a caller cannot write its own before and after into a live record
        assertNull(parser.parse(stored, "lake").tagging().before());
        assertNull(parser.parse(stored, "sqs").tagging().before());
    }
}
