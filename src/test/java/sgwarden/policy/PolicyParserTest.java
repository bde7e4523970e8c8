package sgwarden.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import sgwarden.change.Direction;

/** A policy file that cannot be used is refused with the line and the reason; a good one reads as written. */
class PolicyParserTest {

    static final String GOOD = """
            policies:
              - name: first
                match:
                  accounts: [012345678901, 111111111111]
                  regions: eu-west-1
                  direction: egress
                  event: modified
                  protocols: [tcp, "-1", 17]
                  ports: [22, "8000-8099"]
                  onlyPorts: 443
                  peers: [world, group-other-account]
                  principals: "arn:aws:sts::*:assumed-role/ci/*"
                  identityTypes: [assumedrole]
                  userAgents: ["*Terraform*"]
                  tags: {env: prod, team: "*"}
                action: approve
                post: none
              - name: second
                action: revert
                dryRun: true
            """;

    @Test
    void aGoodFileReadsAsWritten() {
        PolicyFile f = PolicyParser.parse(GOOD, "good.yaml");
        assertEquals(2, f.policies().size());
        Policy p = f.policies().get(0);
        assertEquals("first", p.name());
        assertEquals(2, p.line());
        assertEquals(Action.APPROVE, p.action());
        assertEquals(Post.NONE, p.post());
        Match m = p.match();
        assertEquals(Set.of("012345678901", "111111111111"), m.accounts());
        assertEquals(Set.of("eu-west-1"), m.regions());
        assertEquals(Direction.EGRESS, m.direction());
        assertEquals(EventKind.MODIFIED, m.event());
        assertEquals(Set.of("tcp", "all", "udp"), m.protocols());
        assertEquals(List.of(new PortRange(22, 22), new PortRange(8000, 8099)), m.ports());
        assertEquals(List.of(new PortRange(443, 443)), m.onlyPorts());
        assertEquals(Set.of(PeerKind.WORLD, PeerKind.GROUP_OTHER_ACCOUNT), m.peers());
        assertEquals(Set.of("assumedrole"), m.identityTypes());
        assertTrue(m.tags().get("team").matches("anything"));
        assertTrue(f.usesTags());
        Policy second = f.policies().get(1);
        assertEquals(Match.ANY, second.match());
        assertTrue(second.dryRun());
        assertEquals(null, second.post());
        assertEquals(18, second.line());
    }

    @ParameterizedTest(name = "line {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            policies:\\n  - name: a\\n    match:\\n      prots: [tcp]\\n    action: ask                      | 4 | unknown field 'prots' (known fields: accounts, direction, event, identityTypes, onlyPorts, peers, ports, principals, protocols, regions, tags, userAgents) (at policies[0].match.prots)
            policies:\\n  - name: a\\n    action: deny                                                     | 3 | unknown action 'deny' (use ask, approve, revert or quarantine) (at policies[0].action)
            policies:\\n  - name: a\\n    match:\\n      ports: [22, 70000]\\n    action: ask                | 4 | bad port range 70000-70000 (ports are 0 to 65535, low-high) (at policies[0].match.ports[1])
            policies:\\n  - name: a\\n    match:\\n      ports: [\"90-80\"]\\n    action: ask                | 4 | bad port range 90-80 (ports are 0 to 65535, low-high) (at policies[0].match.ports[0])
            policies:\\n  - name: a\\n    match:\\n      accounts: [1234]\\n    action: ask                  | 4 | bad account '1234' (an account ID is 12 digits) (at policies[0].match.accounts[0])
            policies:\\n  - name: a\\n    match:\\n      peers: [internet]\\n    action: ask                 | 4 | unknown peer kind 'internet' (use world, wide, public, private, prefix-list, group-same-account or group-other-account) (at policies[0].match.peers[0])
            policies:\\n  - name: a\\n    match:\\n      direction: inbound\\n    action: ask                | 4 | unknown direction 'inbound' (use ingress or egress) (at policies[0].match.direction)
            policies:\\n  - name: a\\n    match:\\n      protocols: [sctpx]\\n    action: ask                | 4 | unknown protocol 'sctpx' (use tcp, udp, icmp, icmpv6, all, or a protocol number 0 to 255) (at policies[0].match.protocols[0])
            policies:\\n  - name: a\\n    match:\\n      identityTypes: [Robot]\\n    action: ask            | 4 | unknown identity type 'Robot' (use Root, IAMUser, AssumedRole, Role, FederatedUser, Directory, AWSAccount, AWSService, IdentityCenterUser, SAMLUser, WebIdentityUser, Unknown) (at policies[0].match.identityTypes[0])
            policies:\\n  - name: a\\n    match:\\n      regions: [Europe]\\n    action: ask                 | 4 | bad region 'Europe' (like eu-west-1) (at policies[0].match.regions[0])
            policies:\\n  - name: a\\n    match:\\n      ports: []\\n    action: ask                        | 4 | ports: an empty list or entry matches nothing; leave the field out to match any (at policies[0].match)
            policies:\\n  - name: a\\n    match:\\n      tags: {}\\n    action: ask                         | 4 | tags: an empty mapping; leave the field out to match any (at policies[0].match)
            policies:\\n  - name: a\\n    match:\\n      event: [added]\\n    action: ask                    | 4 | expected a single value here (at policies[0].match.event)
            policies:\\n  - name: a\\n    match: every\\n    action: ask                                      | 3 | match is a mapping of fields (or {} for every rule) (at policies[0].match)
            policies:\\n  - name: a\\n    dryRun: yes\\n    action: ask                                      | 3 | expected true or false, not 'yes' (at policies[0].dryRun)
            policies:\\n  - name: a\\n    action: ask\\n    post: none                                       | 2 | policy 'a': post applies only to action approve (at policies[0])
            policies:\\n  - name: a\\n  - name: b\\n    action: ask                                        | 2 | policy 'a' needs an action (ask, approve, revert or quarantine) (at policies[0])
            policies:\\n  - action: ask                                                                  | 2 | a policy needs a name (at policies[0])
            policies:\\n  - name: has space\\n    action: ask                                              | 2 | bad policy name 'has space' (letters, digits, '.', '_' and '-', at most 64, as it becomes a metric label) (at policies[0].name)
            policies:\\n  - name: sgwarden-own-load-balancer-group\\n    action: approve                  | 2 | policy name 'sgwarden-own-load-balancer-group' is reserved for sgwarden's own load balancer group (at policies[0].name)
            policies:\\n  - name: a\\n    action: ask\\n  - name: a\\n    action: revert                   | 4 | policy name 'a' is already used on line 2
            policies:\\n  - name: a\\n    action: ask\\n    action: revert                                   | 4 | Duplicate field 'action' (at policies[0])
            policies:\\n  - name: a\\n    match: {ports: [22}\\n    action: ask                              | 3 | not valid YAML: expected ',' or ']', but got }
            policies:\\n  - name: a\\n    action: ask\\n   bad: [                                     | 4 | not valid YAML: expected <block end>, but found '<block mapping start>'
            policys: []                                                                                   | 1 | unknown field 'policys' (known fields: policies) (at policys)
            policies: [a, b]                                                                              | 1 | a policy is a mapping with name, match and action (at policies[0])
            - name: a                                                                                     | 1 | the file is a mapping with a 'policies' list
            """)
    void aBadFileIsRefusedWithItsLineAndReason(String yaml, int line, String reason) {
        PolicyFileException e = assertThrows(PolicyFileException.class,
                () -> PolicyParser.parse(yaml.replace("\\n", "\n"), "bad.yaml"));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals("bad policy file bad.yaml: line " + line + ": " + reason, e.getMessage());
    }

    @Test
    void anEmptyFileIsRefusedAndAnEmptyListMeansEveryChangeAsks() {
        assertEquals("bad policy file x: it is empty (write \"policies: []\" for no policies)",
                assertThrows(PolicyFileException.class, () -> PolicyParser.parse("\n", "x")).getMessage());
        assertEquals(List.of(), PolicyParser.parse("policies: []", "x").policies());
    }

    @Test
    void theSettingsChooseTheSource(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, "policies:\n  - name: from-file\n    action: revert\n");
        String inline = "policies: [{name: from-inline, action: quarantine}]";

        assertEquals(List.of(), PolicySource.load(Optional.empty(), Optional.empty()).policies());
        assertEquals("from-file",
                PolicySource.load(Optional.of(file.toString()), Optional.empty()).policies().get(0).name());
        PolicyFile fromInline = PolicySource.load(Optional.empty(), Optional.of(inline));
        assertEquals("from-inline", fromInline.policies().get(0).name());
        assertEquals("sgwarden.policy.inline", fromInline.source());

        PolicyFileException both = assertThrows(PolicyFileException.class,
                () -> PolicySource.load(Optional.of(file.toString()), Optional.of(inline)));
        assertTrue(both.getMessage().contains("both sgwarden.policy.file and sgwarden.policy.inline are set"),
                both.getMessage());

        PolicyFileException missing = assertThrows(PolicyFileException.class,
                () -> PolicySource.load(Optional.of(dir.resolve("nope.yaml").toString()), Optional.empty()));
        assertTrue(missing.getMessage().contains("nope.yaml: cannot read it"), missing.getMessage());

        PolicyFileException badInline = assertThrows(PolicyFileException.class,
                () -> PolicySource.load(Optional.empty(), Optional.of("policies:\n  - name: x\n    action: maybe\n")));
        assertEquals(
                "bad policy file sgwarden.policy.inline: line 3: unknown action 'maybe' (use ask, approve, revert or quarantine)"
                        + " (at policies[0].action)",
                badInline.getMessage());
    }

    @Test
    void wideIsAPeerKindAndOnlyRevertAndQuarantineNestTheKinds() {
        PolicyFile f = PolicyParser.parse("""
                policies:
                  - name: large
                    match: {peers: [wide, world]}
                    action: quarantine
                  - name: one
                    match: {peers: wide}
                    action: ask
                """, "wide.yaml");
        assertEquals(Set.of(PeerKind.WIDE, PeerKind.WORLD), f.policies().get(0).match().peers());
        assertEquals(Set.of(PeerKind.WIDE), f.policies().get(1).match().peers());
        assertEquals("wide", PeerKind.WIDE.word());
        // world within wide within public, for the actions that remove a rule
        assertEquals(List.of(PeerKind.WORLD, PeerKind.WIDE, PeerKind.PUBLIC), PeerKind.WORLD.matchedAs(Action.REVERT));
        assertEquals(List.of(PeerKind.WIDE, PeerKind.PUBLIC), PeerKind.WIDE.matchedAs(Action.QUARANTINE));
        assertEquals(List.of(PeerKind.PUBLIC), PeerKind.PUBLIC.matchedAs(Action.QUARANTINE));
        // an approval or an ask is exact
        assertEquals(List.of(PeerKind.WORLD), PeerKind.WORLD.matchedAs(Action.APPROVE));
        assertEquals(List.of(PeerKind.WIDE), PeerKind.WIDE.matchedAs(Action.ASK));
        assertEquals(List.of(PeerKind.PRIVATE), PeerKind.PRIVATE.matchedAs(Action.REVERT));
    }

    @Test
    void principalGlobsStopAtSlashesAndOtherGlobsDoNot() {
        Glob arn = Glob.arn("arn:aws:sts::*:assumed-role/*terraform*/*");
        assertTrue(arn.matches("arn:aws:sts::111111111111:assumed-role/Terraform-CI/run-42"));
        assertTrue(!arn.matches("arn:aws:sts::111111111111:assumed-role/Admin/terraform"));
        assertTrue(Glob.arn("arn:aws:sts::*:assumed-role/**").matches("arn:aws:sts::1:assumed-role/a/b"));
        assertTrue(Glob.text("*Terraform*").matches("APN/1.0 HashiCorp/1.0 Terraform/1.9.8"));
        assertTrue(Glob.text("cloudformation.amazonaws.com").matches("CloudFormation.amazonaws.com"));
        assertTrue(!Glob.text("cloudformation.amazonaws.com").matches("cloudformationXamazonaws.com"));
    }

    @Test
    void anAskPolicyMayCapApprovals() {
        PolicyFile f = PolicyParser.parse("policies:\n  - name: brief\n    action: ask\n    maxApproval: 8h\n"
                + "    allowPermanent: false\n", "test");
        assertEquals(java.time.Duration.ofHours(8), f.policies().get(0).maxApproval().duration());
        assertFalse(f.policies().get(0).allowPermanent());
        PolicyFile plain = PolicyParser.parse("policies: [{name: plain, action: ask}]", "test");
        assertTrue(plain.policies().get(0).allowPermanent());
        for (String bad : List.of("policies: [{name: x, action: revert, maxApproval: 8h}]",
                "policies: [{name: x, action: ask, maxApproval: forever}]",
                "policies: [{name: x, action: ask, maxApproval: permanent}]",
                "policies: [{name: x, action: ask, allowPermanent: perhaps}]")) {
            assertThrows(PolicyFileException.class, () -> PolicyParser.parse(bad, "test"), bad);
        }
    }

    @Test
    void undecidedNamesItsPolicyAndFieldWhenWrong() {
        PolicyFile f = PolicyParser.parse("policies:\n  - name: slow\n    action: ask\n"
                + "    undecided: {after: 24h, then: deny}\n", "test");
        assertEquals(new Undecided(java.time.Duration.ofHours(24), "24 h", false), f.policies().get(0).undecided());
        assertEquals(null, PolicyParser.parse("policies: [{name: p, action: ask}]", "test").policies().get(0)
                .undecided(), "off unless written");
        Map<String, String> bad = Map.of(
                "policies: [{name: x, action: revert, undecided: {after: 1h, then: deny}}]",
                "policy 'x': undecided applies only to action ask",
                "policies: [{name: x, action: ask, undecided: {after: soon, then: deny}}]",
                "policy 'x': undecided.after 'soon' is neither a duration",
                "policies: [{name: x, action: ask, undecided: {after: 1h, then: ignore}}]",
                "policy 'x': undecided.then is deny or approve, not 'ignore'",
                "policies: [{name: x, action: ask, undecided: {after: 1h}}]",
                "policy 'x': undecided needs both after",
                "policies: [{name: x, action: ask, maxApproval: 8h, undecided: {after: 1h, then: approve}}]",
                "policy 'x': undecided.then approve approves permanently",
                "policies: [{name: x, action: ask, undecided: {after: 1h, then: deny, when: never}}]",
                "unknown field 'when'");
        bad.forEach((yaml, message) -> {
            PolicyFileException e = assertThrows(PolicyFileException.class, () -> PolicyParser.parse(yaml, "test"));
            assertTrue(e.getMessage().contains(message), e.getMessage());
        });
    }
}
