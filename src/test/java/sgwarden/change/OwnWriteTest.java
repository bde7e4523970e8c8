package sgwarden.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What sgwarden expects of its own call and what the parser reads from the record CloudTrail writes
 * for it give the same key, whatever shape EC2 gives the same rule (all traffic with ports -1, ICMP,
 * IPv6, a group reference with its owner, rules in another order); and a key differs as soon as the
 * group, the session, a rule's ID or its traffic differs. Peers moto cannot modify are checked here.
 */
class OwnWriteTest {

    static final String SPOKE = "arn:aws:sts::111111111111:assumed-role/sgwarden-spoke/sgwarden-U0BOB-bob";
    private final CloudTrailParser parser = new CloudTrailParser(new ObjectMapper());

    static Rule rule(String id, String protocol, Integer from, Integer to, Peer.Kind kind, String peer) {
        return new Rule(id, protocol, from, to, new Peer(kind, peer, null), null);
    }

    /** An AuthorizeSecurityGroupIngress record as CloudTrail writes it, with this response rule set. */
    static String authorizeRecord(String ruleSet) {
        return """
                {"eventID":"e-1","eventTime":"2026-12-03T09:00:00Z","eventName":"AuthorizeSecurityGroupIngress",
                 "awsRegion":"eu-west-1","recipientAccountId":"111111111111",
                 "userIdentity":{"type":"AssumedRole","arn":"%s","accountId":"111111111111"},
                 "requestParameters":{"groupId":"sg-1","ipPermissions":{}},
                 "responseElements":{"_return":true,"securityGroupRuleSet":{"items":[%s]}}}
                """.formatted(SPOKE, ruleSet);
    }

    static String modifyRecord(String entries) {
        return """
                {"eventID":"e-2","eventTime":"2026-12-03T09:00:00Z","eventName":"ModifySecurityGroupRules",
                 "awsRegion":"eu-west-1","recipientAccountId":"111111111111",
                 "userIdentity":{"type":"AssumedRole","arn":"%s","accountId":"111111111111"},
                 "requestParameters":{"ModifySecurityGroupRulesRequest":{"GroupId":"sg-1","SecurityGroupRule":%s}},
                 "responseElements":{"ModifySecurityGroupRulesResponse":{"return":true}}}
                """.formatted(SPOKE, entries);
    }

    OwnWrite shown(String record) {
        SecurityGroupChange change = parser.parse(record, "test");
        return OwnWrite.shownBy(change, AssumedRole.of(change.actor()).sessionName());
    }

    @Test
    void aRestoreOfSeveralShapesMatchesTheRecordEc2Writes() {
        List<Rule> sent = List.of(
                rule("sgr-a", "all", null, null, Peer.Kind.IPV4_CIDR, "10.0.0.0/8"),
                rule("sgr-b", "icmp", 8, -1, Peer.Kind.IPV4_CIDR, "0.0.0.0/0"),
                rule("sgr-c", "tcp", 443, 443, Peer.Kind.IPV6_CIDR, "::/0"),
                new Rule("sgr-d", "tcp", 5432, 5432, new Peer(Peer.Kind.SECURITY_GROUP, "sg-9", "222222222222"),
                        "app servers"));
        OwnWrite expected = OwnWrite.authorize("111111111111", "eu-west-1", "sg-1", false, "sgwarden-U0BOB-bob",
                sent);
        // EC2 gives new rule IDs, -1 ports for all traffic, the owner of a referenced group; any order
        String record = authorizeRecord("""
                {"securityGroupRuleId":"sgr-new4","groupId":"sg-1","isEgress":false,"ipProtocol":"tcp","fromPort":5432,
                 "toPort":5432,"referencedGroupInfo":{"groupId":"sg-9","userId":"222222222222"}},
                {"securityGroupRuleId":"sgr-new1","groupId":"sg-1","isEgress":false,"ipProtocol":"-1","fromPort":-1,
                 "toPort":-1,"cidrIpv4":"10.0.0.0/8"},
                {"securityGroupRuleId":"sgr-new3","groupId":"sg-1","isEgress":false,"ipProtocol":"tcp","fromPort":443,
                 "toPort":443,"cidrIpv6":"::/0"},
                {"securityGroupRuleId":"sgr-new2","groupId":"sg-1","isEgress":false,"ipProtocol":"icmp","fromPort":8,
                 "toPort":-1,"cidrIpv4":"0.0.0.0/0"}
                """);

        assertEquals(expected.key(), shown(record).key());
        assertEquals(expected, shown(record));
    }

    @Test
    void aPutBackMatchesByRuleIdAndFormAndNotOtherwise() {
        OwnWrite expected = OwnWrite.modify("111111111111", "eu-west-1", "sg-1", "sgwarden-U0BOB-bob",
                Map.of("sgr-1", rule("sgr-1", "all", null, null, Peer.Kind.PREFIX_LIST, "pl-1"),
                        "sgr-2", rule("sgr-2", "tcp", 6379, 6379, Peer.Kind.IPV4_CIDR, "10.0.0.0/8")));
        String same = modifyRecord("""
                [{"SecurityGroupRuleId":"sgr-2","SecurityGroupRule":{"IpProtocol":"tcp","FromPort":6379,"ToPort":6379,
                  "CidrIpv4":"10.0.0.0/8","Description":"a description allows nothing"}},
                 {"SecurityGroupRuleId":"sgr-1","SecurityGroupRule":{"IpProtocol":"-1","FromPort":-1,"ToPort":-1,
                  "PrefixListId":"pl-1"}}]""");
        assertEquals(expected.key(), shown(same).key());

        String otherRule = same.replace("\"sgr-2\"", "\"sgr-3\"");
        String otherPeer = same.replace("10.0.0.0/8", "0.0.0.0/0");
        String otherPort = same.replace("\"ToPort\":6379", "\"ToPort\":6380");
        String otherGroup = same.replace("\"sg-1\"", "\"sg-2\"");
        String otherSession = same.replace("sgwarden-U0BOB-bob", "sgwarden-U0EVE-eve");
        for (String record : List.of(otherRule, otherPeer, otherPort, otherGroup, otherSession)) {
            assertNotEquals(expected.key(), shown(record).key(), record);
        }
    }

    @Test
    void anAssumedRolePrincipalIsReadAndJudged() {
        AssumedRole real = AssumedRole.of(new Actor(SPOKE, "AssumedRole", null, "111111111111", null, null));
        assertEquals(new AssumedRole("aws", "111111111111", "sgwarden-spoke", "sgwarden-U0BOB-bob"), real);
        assertEquals(SPOKE, real.arn());
        assertEquals(true, real.isSpokeRole("111111111111", "sgwarden-spoke"));
        assertEquals(false, real.isSpokeRole("333333333333", "sgwarden-spoke"), "not the owning account's role");

        AssumedRole elsewhere = AssumedRole.of(new Actor(SPOKE.replace("111111111111", "222222222222"),
                "AssumedRole", null, null, null, null));
        assertEquals(true, elsewhere.namedLikeSgwarden("sgwarden-spoke"));
        AssumedRole session = AssumedRole.of(new Actor("arn:aws:sts::111111111111:assumed-role/Admin/SGWARDEN-x",
                "AssumedRole", null, null, null, null));
        assertEquals(true, session.namedLikeSgwarden("sgwarden-spoke"), "session named like sgwarden's, any case");
        AssumedRole alice = AssumedRole.of(new Actor("arn:aws:sts::111111111111:assumed-role/Admin/alice",
                "AssumedRole", null, null, null, null));
        assertEquals(false, alice.namedLikeSgwarden("sgwarden-spoke"));
        assertNull(AssumedRole.of(new Actor("arn:aws:iam::111111111111:user/sgwarden-spoke", "IAMUser", null, null,
                null, null)), "an IAM user is no role session");
    }

    @Test
    void posingIsTheSpokeRoleOfTheOwningAccountOrANameLikeSgwardens() {
        SecurityGroupChange viaSpoke = parser.parse(authorizeRecord("""
                {"securityGroupRuleId":"sgr-1","groupId":"sg-1","ipProtocol":"tcp","fromPort":22,"toPort":22,
                 "cidrIpv4":"0.0.0.0/0"}"""), "test");
        assertEquals(AssumedRole.Posing.SPOKE_ROLE, AssumedRole.posing(viaSpoke, "sgwarden-spoke"));
        SecurityGroupChange lookalike = parser.parse(authorizeRecord("""
                {"securityGroupRuleId":"sgr-1","groupId":"sg-1","ipProtocol":"tcp","fromPort":22,"toPort":22,
                 "cidrIpv4":"0.0.0.0/0"}""").replace("sts::111111111111", "sts::222222222222"), "test");
        assertEquals(AssumedRole.Posing.LOOKALIKE, AssumedRole.posing(lookalike, "sgwarden-spoke"));
        SecurityGroupChange other = parser.parse(authorizeRecord("""
                {"securityGroupRuleId":"sgr-1","groupId":"sg-1","ipProtocol":"tcp","fromPort":22,"toPort":22,
                 "cidrIpv4":"0.0.0.0/0"}""").replace("sgwarden-spoke/sgwarden-U0BOB-bob", "Admin/alice"), "test");
        assertEquals(AssumedRole.Posing.NONE, AssumedRole.posing(other, "sgwarden-spoke"));
    }
}
