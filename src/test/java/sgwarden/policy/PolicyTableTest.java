package sgwarden.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.ec2.model.ReferencedSecurityGroup;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.SecurityGroupChange;
import sgwarden.testing.Records;

/**
 * CloudTrail records against the shipped baseline and a second file that uses every matcher: the
 * action each change gets, the policy each rule matched, dry run, and when group tags are read.
 */
class PolicyTableTest {

    static final PolicyFile BASELINE = PolicySource.read(Path.of("deploy/policies/baseline.yaml"));
    static final PolicyFile SECOND = PolicySource.read(Path.of("src/test/resources/policies/second.yaml"));
    static final PolicyFile WORLD_ONLY = PolicyParser.parse("""
            policies:
              - name: ssh-world
                match: {peers: [world], ports: [22]}
                action: quarantine
              - name: approve-public
                match: {peers: [public], ports: [443]}
                action: approve
              - name: revert-public-rdp
                match: {peers: [public], ports: [3389]}
                action: revert
            """, "world-only");
    static final CloudTrailParser PARSER = new CloudTrailParser(new ObjectMapper());

    static final String TERRAFORM = "arn:aws:sts::111111111111:assumed-role/terraform-ci/GitHubActions";
    static final String STACKSET = "arn:aws:sts::111111111111:assumed-role/AWSCloudFormationStackSetExecutionRole/3f2a";
    static final String CDK = "arn:aws:sts::111111111111:assumed-role/cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1/AWSCloudFormation";
    static final String ADMIN_SESSION_NAMED_TERRAFORM = "arn:aws:sts::111111111111:assumed-role/Admin/terraform";
    static final String BREAK_GLASS = "arn:aws:sts::111111111111:assumed-role/BreakGlass/bob";
    static final String CLI = "aws-cli/2.22.4 md/command#ec2.authorize-security-group-ingress";
    static final String TF_AGENT = "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0";
    static final String CFN_AGENT = "cloudformation.amazonaws.com";

    static final String A = "-"; // a rule that matched no policy

    record Row(String name, PolicyFile file, SecurityGroupChange change, Map<String, String> tags,
            Action action, List<String> rulePolicies, Action wouldBe, Post post) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Row> rows() {
        List<Row> rows = new ArrayList<>();
        // --- baseline ---
        rows.add(row("fixture: ssh from 0.0.0.0/0", BASELINE, fixture("ingress-tcp-22-world"), Action.QUARANTINE,
                "admin-and-database-ports-open-to-world"));
        rows.add(row("fixture: EventBridge envelope, ssh from the world", BASELINE, fixture("eventbridge-envelope"),
                Action.QUARANTINE, "admin-and-database-ports-open-to-world"));
        rows.add(row("fixture: 443 from ::/0 is not an admin port", BASELINE, fixture("ipv6"), Action.ASK,
                "ask-everything-else"));
        rows.add(row("fixture: all traffic from 10.0.0.0/8 by a person", BASELINE, fixture("all-traffic"), Action.ASK,
                "ask-everything-else"));
        rows.add(row("fixture: six peers of every kind in one call", BASELINE, fixture("multi-permission"), Action.ASK,
                "ask-everything-else", "ask-everything-else", "ask-everything-else", "ask-everything-else",
                "ask-everything-else", "ask-everything-else"));
        rows.add(row("fixture: legacy record without rule set, 80 from the world", BASELINE,
                fixture("legacy-no-rule-set"), Action.ASK, "ask-everything-else", "ask-everything-else",
                "ask-everything-else"));
        rows.add(row("all traffic from the world covers the admin ports", BASELINE,
                change("111111111111", "eu-west-1", false, rule("-1", -1, -1, "0.0.0.0/0")), Action.QUARANTINE,
                "admin-and-database-ports-open-to-world"));
        rows.add(row("a range 3000-3500 overlaps 3306 and 3389", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 3000, 3500, "0.0.0.0/0")), Action.QUARANTINE,
                "admin-and-database-ports-open-to-world"));
        rows.add(row("rdp from ::/0", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 3389, 3389, "::/0")), Action.QUARANTINE,
                "admin-and-database-ports-open-to-world"));
        rows.add(row("memcached over udp from the world", BASELINE,
                change("111111111111", "eu-west-1", false, rule("udp", 11211, 11211, "0.0.0.0/0")), Action.QUARANTINE,
                "admin-and-database-ports-open-to-world"));
        rows.add(row("23 is next to 22 but not on the list", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 23, 23, "0.0.0.0/0")), Action.ASK,
                "ask-everything-else"));
        rows.add(row("Terraform role opens postgres to a private range", BASELINE,
                as(TERRAFORM, TF_AGENT,
                        change("111111111111", "eu-west-1", false, rule("tcp", 5432, 5432, "10.0.0.0/16"))),
                Action.APPROVE, "infrastructure-as-code-private"));
        rows.add(row("Terraform role opens 443 to a public range", BASELINE,
                as(TERRAFORM, TF_AGENT,
                        change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "203.0.113.0/24"))),
                Action.ASK, "ask-everything-else"));
        rows.add(row("StackSet role references a group of the same account", BASELINE,
                as(STACKSET, CFN_AGENT, change("111111111111", "eu-west-1", false,
                        rule("tcp", 443, 443, "sg-0aaa000000000001@111111111111"))),
                Action.APPROVE, "infrastructure-as-code-private"));
        rows.add(row("Terraform role references a group of another account", BASELINE,
                as(TERRAFORM, TF_AGENT, change("111111111111", "eu-west-1", false,
                        rule("tcp", 443, 443, "sg-0bbb000000000002@333333333333"))),
                Action.ASK, "ask-everything-else"));
        rows.add(row("first match: Terraform opening ssh to the world is quarantined, not approved", BASELINE,
                as(TERRAFORM, TF_AGENT, change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "0.0.0.0/0"))),
                Action.QUARANTINE, "admin-and-database-ports-open-to-world"));
        rows.add(row("strictest wins: an approved rule and an asked rule make the change ask", BASELINE,
                as(TERRAFORM, TF_AGENT, change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "10.1.0.0/16"),
                        rule("tcp", 443, 443, "0.0.0.0/0"))),
                Action.ASK, "infrastructure-as-code-private", "ask-everything-else"));
        rows.add(row("strictest wins: an approved rule and a quarantined rule quarantine the change", BASELINE,
                as(TERRAFORM, TF_AGENT, change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "10.1.0.0/16"),
                        rule("tcp", 22, 22, "0.0.0.0/0"))),
                Action.QUARANTINE, "infrastructure-as-code-private", "admin-and-database-ports-open-to-world"));
        rows.add(row("a session named terraform under the Admin role is a person", BASELINE,
                as(ADMIN_SESSION_NAMED_TERRAFORM, TF_AGENT, change("111111111111", "eu-west-1", false,
                        rule("tcp", 5432, 5432, "10.0.0.0/16"))),
                Action.ASK, "ask-everything-else"));
        rows.add(row("CDK deployment role opens to a unique-local IPv6 range", BASELINE,
                as(CDK, CFN_AGENT, change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "fd00:10::/32"))),
                Action.APPROVE, "infrastructure-as-code-private"));
        rows.add(row("172.32.0.0/16 is just outside RFC 1918: public", BASELINE,
                as(TERRAFORM, TF_AGENT,
                        change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "172.32.0.0/16"))),
                Action.ASK, "ask-everything-else"));
        rows.add(row("10.0.0.0/7 is wider than 10.0.0.0/8 and holds 11.0.0.0/8: wide, not approved", BASELINE,
                as(TERRAFORM, TF_AGENT,
                        change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "10.0.0.0/7"))),
                Action.ASK, "ask-everything-else"));
        rows.add(row("no policy file: everything asks", PolicyFile.none(), fixture("ingress-tcp-22-world"), Action.ASK,
                A));

        // --- baseline: internet-wide ranges ---
        String quarantine = "admin-and-database-ports-open-to-world";
        String ask = "ask-everything-else";
        rows.add(row("two halves: ssh from 0.0.0.0/1 and 128.0.0.0/1 in one call", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "0.0.0.0/1"),
                        rule("tcp", 22, 22, "128.0.0.0/1")),
                Action.QUARANTINE, quarantine, quarantine));
        rows.add(row("one half alone: postgres from 128.0.0.0/1", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 5432, 5432, "128.0.0.0/1")),
                Action.QUARANTINE, quarantine));
        rows.add(row("four quarters: rdp from four /2s", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 3389, 3389, "0.0.0.0/2"),
                        rule("tcp", 3389, 3389, "64.0.0.0/2"), rule("tcp", 3389, 3389, "128.0.0.0/2"),
                        rule("tcp", 3389, 3389, "192.0.0.0/2")),
                Action.QUARANTINE, quarantine, quarantine, quarantine, quarantine));
        rows.add(row("IPv6 halves: ssh from ::/1 and 8000::/1", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "::/1"),
                        rule("tcp", 22, 22, "8000::/1")),
                Action.QUARANTINE, quarantine, quarantine));
        rows.add(row("halves on 443 are not an admin port: asked", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "0.0.0.0/1"),
                        rule("tcp", 443, 443, "128.0.0.0/1")),
                Action.ASK, ask, ask));
        rows.add(row("wide: ssh from a public /8", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "8.0.0.0/8")), Action.QUARANTINE,
                quarantine));
        rows.add(row("a /9 is not wide: asked", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "8.0.0.0/9")), Action.ASK, ask));
        rows.add(row("two /9s of one public /8 add up to wide", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "8.0.0.0/9"),
                        rule("tcp", 22, 22, "8.128.0.0/9")),
                Action.QUARANTINE, quarantine, quarantine));
        rows.add(row("0.0.0.0/4 holds 10.0.0.0/8 but is mostly public: wide", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 3306, 3306, "0.0.0.0/4")), Action.QUARANTINE,
                quarantine));
        rows.add(row("IPv6 wide: rdp from 2600::/16", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 3389, 3389, "2600::/16")), Action.QUARANTINE,
                quarantine));
        rows.add(row("IPv6 /17 is not wide: asked", BASELINE,
                change("111111111111", "eu-west-1", false, rule("tcp", 3389, 3389, "2600::/17")), Action.ASK, ask));
        rows.add(row("Terraform: ssh from the private 10.0.0.0/8 is not wide, approved", BASELINE,
                as(TERRAFORM, TF_AGENT,
                        change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "10.0.0.0/8"))),
                Action.APPROVE, "infrastructure-as-code-private"));
        rows.add(row("Terraform: a private rule beside two halves on 443 makes the change ask", BASELINE,
                as(TERRAFORM, TF_AGENT, change("111111111111", "eu-west-1", false,
                        rule("tcp", 443, 443, "10.0.0.0/8"), rule("tcp", 443, 443, "0.0.0.0/1"),
                        rule("tcp", 443, 443, "128.0.0.0/1"))),
                Action.ASK, "infrastructure-as-code-private", ask, ask));
        rows.add(row("overlapping ranges: all traffic in one quarter and ssh in three add up at 22", BASELINE,
                change("111111111111", "eu-west-1", false, rule("-1", -1, -1, "0.0.0.0/2"),
                        rule("tcp", 20, 25, "64.0.0.0/2"), rule("tcp", 22, 3389, "128.0.0.0/2"),
                        rule("tcp", 0, 65535, "192.0.0.0/2")),
                Action.QUARANTINE, quarantine, quarantine, quarantine, quarantine));

        // --- second file ---
        rows.add(row("fixture: another account's group, outside the payments account", SECOND,
                fixture("sg-reference-cross-account"), Action.ASK, A));
        rows.add(row("accounts + group-other-account: payments account references a foreign group", SECOND,
                change("444444444444", "eu-west-1", false, rule("tcp", 5432, 5432, "sg-0ccc000000000003@555555555555")),
                Action.REVERT, "payments-no-foreign-groups"));
        rows.add(row("accounts: the payments account referencing its own group", SECOND,
                change("444444444444", "eu-west-1", false, rule("tcp", 5432, 5432, "sg-0ccc000000000004@444444444444")),
                Action.ASK, A));
        rows.add(row("identityTypes: root is reverted", SECOND,
                calledBy("Root", "arn:aws:iam::111111111111:root", CLI,
                        change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "10.1.0.0/16"))),
                Action.REVERT, "root-changes"));
        rows.add(row("principals with **: the break-glass role", SECOND,
                as(BREAK_GLASS, CLI, change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "10.1.0.0/16"))),
                Action.QUARANTINE, "break-glass"));
        rows.add(new Row("dry run: egress of everything to the world would be reverted, asks", SECOND,
                change("111111111111", "eu-west-1", true, rule("-1", -1, -1, "0.0.0.0/0")), Map.of(), Action.ASK,
                List.of("trial-egress-everything-to-world"), Action.REVERT, null));
        rows.add(row("protocols [all] does not match a tcp rule", SECOND,
                change("111111111111", "eu-west-1", true, rule("tcp", 443, 443, "0.0.0.0/0")), Action.ASK, A));
        rows.add(withTags(row("tags + onlyPorts: the web tier on 80 and 443 only", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 80, 80, "0.0.0.0/0"),
                        rule("tcp", 443, 443, "::/0")),
                Action.ASK, A, A), Map.of("tier", "web")));
        rows.add(withTags(row("tags + onlyPorts: the web tier opening 8080", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 8080, 8080, "0.0.0.0/0")),
                Action.QUARANTINE, "web-tier-only-http"), Map.of("tier", "web", "owner", "team-a")));
        rows.add(withTags(row("onlyPorts: a range 80-443 allows ports in between", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 80, 443, "198.51.100.0/24")),
                Action.QUARANTINE, "web-tier-only-http"), Map.of("tier", "web")));
        rows.add(withTags(row("tags: another tier falls through to the next policies", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 8080, 8080, "0.0.0.0/0")),
                Action.QUARANTINE, "app-ports-elsewhere"), Map.of("tier", "api")));
        rows.add(row("event modified by CloudFormation", SECOND,
                modified(calledBy("AWSService", null, CFN_AGENT,
                        change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "10.0.0.0/8")))),
                Action.APPROVE, "cloudformation-modifications"));
        rows.add(row("event: the same rule added (not modified) by CloudFormation", SECOND,
                calledBy("AWSService", null, CFN_AGENT,
                        change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "10.0.0.0/8"))),
                Action.ASK, A));
        rows.add(new Row("fixture: regions + userAgents, Terraform in us-west-2, not posted", SECOND,
                fixture("prefix-list"), Map.of(), Action.APPROVE, List.of("sandbox-terraform"), null, Post.NONE));
        rows.add(row("regions: Terraform in eu-west-1 is not the sandbox", SECOND,
                as(TERRAFORM, TF_AGENT,
                        change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "203.0.113.0/24"))),
                Action.ASK, A));
        rows.add(row("prefix-list + protocols + ports: dns over udp to a prefix list", SECOND,
                change("111111111111", "eu-west-1", true, rule("udp", 53, 53, "pl-0123abcd4567ef890")),
                Action.APPROVE, "dns-to-prefix-lists"));
        rows.add(row("protocols: dns over tcp to a prefix list is not on the list", SECOND,
                change("111111111111", "eu-west-1", true, rule("tcp", 53, 53, "pl-0123abcd4567ef890")),
                Action.ASK, A));
        rows.add(row("first match: app ports from a private range are approved before the quarantine", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 8080, 8080, "10.0.0.0/8")),
                Action.APPROVE, "internal-app-ports"));
        rows.add(row("first match: app ports from a public range reach the quarantine", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 8000, 8100, "203.0.113.0/24")),
                Action.QUARANTINE, "app-ports-elsewhere"));
        rows.add(row("fixture: ping from a public range is named by its policy", SECOND, fixture("icmp"), Action.ASK,
                "ping-from-outside"));
        rows.add(row("ports: icmp has no ports, so a ports policy never matches it", SECOND,
                change("111111111111", "eu-west-1", false, rule("icmp", -1, -1, "10.0.0.0/8")), Action.ASK, A));
        rows.add(new Row("dry run: ssh from a partner range would be approved, asks", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "198.51.100.0/24")), Map.of(),
                Action.ASK,
                List.of("trial-ssh-from-partner-ranges"), Action.APPROVE, null));
        rows.add(new Row("dry run and strictest: a dry-run rule asks though the other is approved", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "198.51.100.0/24"),
                        rule("tcp", 8080, 8080, "10.0.0.0/8")),
                Map.of(), Action.ASK, List.of("trial-ssh-from-partner-ranges", "internal-app-ports"), Action.APPROVE,
                null));
        rows.add(row("direction: the ssh trial is for ingress only", SECOND,
                change("111111111111", "eu-west-1", true, rule("tcp", 22, 22, "198.51.100.0/24")), Action.ASK, A));

        // --- world only, with approve and revert on public: which kinds each action matches ---
        rows.add(row("world by quarters: a world-only policy acts on four /2s", WORLD_ONLY,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "0.0.0.0/2"),
                        rule("tcp", 22, 22, "64.0.0.0/2"), rule("tcp", 22, 22, "128.0.0.0/2"),
                        rule("tcp", 22, 22, "192.0.0.0/2")),
                Action.QUARANTINE, "ssh-world", "ssh-world", "ssh-world", "ssh-world"));
        rows.add(row("world by overlapping ranges: 20-25, 22, 22-3389 and all ports add up at 22", WORLD_ONLY,
                change("111111111111", "eu-west-1", false, rule("tcp", 20, 25, "0.0.0.0/2"),
                        rule("tcp", 22, 22, "64.0.0.0/2"), rule("tcp", 22, 3389, "128.0.0.0/2"),
                        rule("tcp", -1, -1, "192.0.0.0/2")),
                Action.QUARANTINE, "ssh-world", "ssh-world", "ssh-world", "ssh-world"));
        rows.add(row("three quarters on 22 and one on 23: wide, not world; an approval on public does not take them",
                WORLD_ONLY,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "0.0.0.0/2"),
                        rule("tcp", 22, 22, "64.0.0.0/2"), rule("tcp", 22, 22, "128.0.0.0/2"),
                        rule("tcp", 23, 23, "192.0.0.0/2")),
                Action.ASK, A, A, A, A));
        rows.add(row("an approval on public takes a /24", WORLD_ONLY,
                change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "8.8.8.0/24")), Action.APPROVE,
                "approve-public"));
        rows.add(row("an approval on public does not take a public /8", WORLD_ONLY,
                change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "8.0.0.0/8")), Action.ASK, A));
        rows.add(row("a revert on public also takes the world: rdp from 0.0.0.0/0", WORLD_ONLY,
                change("111111111111", "eu-west-1", false, rule("tcp", 3389, 3389, "0.0.0.0/0")), Action.REVERT,
                "revert-public-rdp"));
        rows.add(row("a revert on public also takes wide: rdp from 8.0.0.0/8", WORLD_ONLY,
                change("111111111111", "eu-west-1", false, rule("tcp", 3389, 3389, "8.0.0.0/8")), Action.REVERT,
                "revert-public-rdp"));
        rows.add(row("halves of ssh are no partner range: the dry-run approval on public does not see them", SECOND,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "0.0.0.0/1"),
                        rule("tcp", 22, 22, "128.0.0.0/1")),
                Action.ASK, A, A));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachChangeGetsItsAction(Row row) {
        AtomicInteger lookups = new AtomicInteger();
        GroupTags tags = (account, region, group) -> {
            lookups.incrementAndGet();
            assertEquals(row.change.accountId(), account);
            assertEquals(row.change.region(), region);
            assertEquals(row.change.groupId(), group);
            return row.tags;
        };
        Verdict v = new PolicyEvaluator(row.file, tags).evaluate(row.change);

        assertEquals(row.action, v.action(), "action");
        assertEquals(row.rulePolicies, v.rules().stream().map(r -> r.policy() == null ? A : r.policyName()).toList(),
                "policy of each rule");
        assertEquals(row.wouldBe, v.wouldBe(), "dry-run verdict");
        assertEquals(row.post, v.post(), "post");
        if (row.action == Action.APPROVE) {
            assertNotNull(v.policy(), "an approval names its policy");
        }
        assertTrue(lookups.get() <= 1, "tags read at most once per change, read " + lookups.get());
        if (!row.file.usesTags()) {
            assertEquals(0, lookups.get(), "tags are never read for a file that does not use them");
        }
    }

    @Test
    void atLeastTwentyFiveRecordsCoverBothFiles() {
        List<Row> all = rows().toList();
        assertTrue(all.size() >= 25, "rows: " + all.size());
        assertTrue(all.stream().filter(r -> r.file == BASELINE).count() >= 10);
        assertTrue(all.stream().filter(r -> r.file == SECOND).count() >= 10);
    }

    @Test
    void tagsAreReadOnlyWhenEvaluationReachesAPolicyThatNamesThem() {
        AtomicInteger lookups = new AtomicInteger();
        PolicyEvaluator evaluator = new PolicyEvaluator(SECOND, (a, r, g) -> {
            lookups.incrementAndGet();
            return Map.of("tier", "web");
        });
        // root is reverted by the second policy, before web-tier-only-http: no lookup
        evaluator.evaluate(calledBy("Root", "arn:aws:iam::111111111111:root", CLI,
                change("111111111111", "eu-west-1", false, rule("tcp", 8080, 8080, "0.0.0.0/0"))));
        assertEquals(0, lookups.get());
        // a private peer fails the policy's other fields first: no lookup
        evaluator.evaluate(change("111111111111", "eu-west-1", false, rule("tcp", 8080, 8080, "10.0.0.0/8")));
        assertEquals(0, lookups.get());
        // three rules that need the tags: one lookup for the change
        Verdict v = evaluator.evaluate(change("111111111111", "eu-west-1", false, rule("tcp", 8080, 8080, "0.0.0.0/0"),
                rule("tcp", 22, 22, "0.0.0.0/0"), rule("tcp", 80, 80, "0.0.0.0/0")));
        assertEquals(1, lookups.get());
        assertEquals(Action.QUARANTINE, v.action());
        assertEquals("web-tier-only-http", v.policyName());
    }

    static final PolicyFile ON_TAGS = PolicyParser.parse("""
            policies:
              - name: web-team
                match: {tags: {team: web}}
                action: approve
              - name: trial-prod
                match: {tags: {env: prod}, ports: [5432]}
                action: revert
                dryRun: true
              - name: prod-quarantined
                match: {tags: {env: prod}, ports: [22, 3389]}
                action: quarantine
              - name: terraform
                match: {principals: ["arn:aws:sts::*:assumed-role/terraform-ci/*"]}
                action: approve
            """, "on-tags");

    @Test
    void anApprovePolicyCountsOnlyApprovedTagsAndStricterOnesTheTagsAsTheyAre() {
        SecurityGroupChange rdp = change("111111111111", "eu-west-1", false, rule("tcp", 3389, 3389, "0.0.0.0/0"));
        // team=web set since and not approved: web-team does not approve, and the verdict says why
        PolicyEvaluator unapproved = new PolicyEvaluator(ON_TAGS, (a, r, g) -> Map.of("team", "web"),
                (a, r, g, now) -> Map.of());
        Verdict v = unapproved.evaluate(rdp);
        assertEquals(Action.ASK, v.action());
        assertEquals(List.of("web-team"), v.notApproved().stream().map(n -> n.policy().name()).toList());
        assertEquals("team=web", v.notApproved().get(0).tags());
        // approved: the policy approves as before
        assertEquals(Action.APPROVE, new PolicyEvaluator(ON_TAGS, (a, r, g) -> Map.of("team", "web"),
                (a, r, g, now) -> now).evaluate(rdp).action());
        // a quarantine on tags uses the tags as they are, approved or not
        SecurityGroupChange ssh = change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "0.0.0.0/0"));
        assertEquals(Action.QUARANTINE, new PolicyEvaluator(ON_TAGS, (a, r, g) -> Map.of("env", "prod"),
                (a, r, g, now) -> Map.of()).evaluate(ssh).action());
    }

    @Test
    void aTagChangeSwitchesEachPolicyWhoseTagsHoldOnOneSideOnly() {
        assertEquals(List.of("approve|web-team|on"),
                TagSwitches.of(ON_TAGS, "111111111111", "eu-west-1", Map.of(), Map.of("team", "web")));
        assertEquals(List.of("revert|trial-prod|off", "quarantine|prod-quarantined|off"),
                TagSwitches.of(ON_TAGS, "111111111111", "eu-west-1", Map.of("env", "prod"), Map.of()));
        assertEquals(List.of(), TagSwitches.of(ON_TAGS, "111111111111", "eu-west-1", Map.of("team", "a"),
                Map.of("team", "b")));
        assertEquals("from now on policy web-team approves changes to web",
                TagSwitches.describe("approve|web-team|on", "web"));
        assertEquals("from now on policy prod-quarantined no longer quarantines changes to web",
                TagSwitches.describe("quarantine|prod-quarantined|off", "web"));
        assertEquals(java.util.Set.of("env", "team"), ON_TAGS.tagKeys());
    }

    @Test
    void tagsThatCannotBeReadFailClosed() {
        AtomicInteger lookups = new AtomicInteger();
        PolicyEvaluator unreadable = new PolicyEvaluator(ON_TAGS, (a, r, g) -> {
            lookups.incrementAndGet();
            return null;
        });
        // the quarantine on tags cannot be applied and the pipeline's approval would let ssh through: asked
        SecurityGroupChange sshChange = as(TERRAFORM, TF_AGENT,
                change("111111111111", "eu-west-1", false, rule("tcp", 22, 22, "203.0.113.0/24")));
        Verdict ssh = unreadable.evaluate(sshChange);
        assertEquals(Action.ASK, ssh.action());
        assertEquals(null, ssh.policy(), "no policy decided it");
        assertEquals(List.of("prod-quarantined"), ssh.tagsUnread().stream().map(Policy::name).toList());
        assertEquals(1, lookups.get(), "read once");
        // the same change with tags that say prod: quarantined; with tags that say nothing: approved
        assertEquals(Action.QUARANTINE, new PolicyEvaluator(ON_TAGS, (a, r, g) -> Map.of("env", "prod"))
                .evaluate(sshChange).action());
        assertEquals(Action.APPROVE,
                new PolicyEvaluator(ON_TAGS, (a, r, g) -> Map.of()).evaluate(sshChange).action());

        // only an approval on tags could not be applied, nothing stricter: the pipeline's approval stands
        Verdict https = unreadable.evaluate(as(TERRAFORM, TF_AGENT,
                change("111111111111", "eu-west-1", false, rule("tcp", 443, 443, "203.0.113.0/24"))));
        assertEquals(Action.APPROVE, https.action());
        assertEquals("terraform", https.policyName());
        assertEquals(List.of(), https.tagsUnread());

        // a person's change: asked, and the message can say the approval on tags could not be applied
        Verdict person = unreadable.evaluate(change("111111111111", "eu-west-1", false,
                rule("tcp", 443, 443, "203.0.113.0/24")));
        assertEquals(Action.ASK, person.action());
        assertEquals(List.of("web-team"), person.tagsUnread().stream().map(Policy::name).toList());

        // a dry-run policy on tags changes nothing, readable or not
        Verdict trial = unreadable.evaluate(as(TERRAFORM, TF_AGENT,
                change("111111111111", "eu-west-1", false, rule("tcp", 5432, 5432, "203.0.113.0/24"))));
        assertEquals(Action.APPROVE, trial.action());

        // one rule that cannot be decided makes the change ask, though its other rule is approved
        Verdict mixed = unreadable.evaluate(as(TERRAFORM, TF_AGENT, change("111111111111", "eu-west-1", false,
                rule("tcp", 443, 443, "203.0.113.0/24"), rule("tcp", 3389, 3389, "203.0.113.0/24"))));
        assertEquals(Action.ASK, mixed.action());
        assertEquals(Arrays.asList("terraform", null), mixed.rules().stream().map(RuleVerdict::policyName).toList());
    }

    @Test
    void aRecordThatIsNotARuleChangeIsNotEvaluated() throws Exception {
        // the parser skips failed calls before policies see them
        assertEquals(null,
                PARSER.parse(Files.readString(Path.of("src/test/resources/fixtures/failed-call.json")), "test"));
    }

    // ---- building records ----

    static Row row(String name, PolicyFile file, SecurityGroupChange change, Action action, String... policies) {
        // an approval is posted compact unless its policy says otherwise
        return new Row(name, file, change, Map.of(), action, Arrays.asList(policies), null,
                action == Action.APPROVE ? Post.COMPACT : null);
    }

    static Row withTags(Row row, Map<String, String> tags) {
        return new Row(row.name, row.file, row.change, tags, row.action, row.rulePolicies, row.wouldBe, row.post);
    }

    static SecurityGroupChange fixture(String name) {
        try {
            return PARSER.parse(Files.readString(Path.of("src/test/resources/fixtures/" + name + ".json")), "test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int ruleNumber;

    /** peer: a CIDR, a prefix list ID, or sg-...@owner-account. */
    static SecurityGroupRule rule(String protocol, int from, int to, String peer) {
        SecurityGroupRule.Builder b = SecurityGroupRule.builder()
                .securityGroupRuleId(String.format("sgr-%017x", ++ruleNumber))
                .ipProtocol(protocol).fromPort(from).toPort(to);
        if (peer.startsWith("pl-")) {
            b.prefixListId(peer);
        } else if (peer.startsWith("sg-")) {
            String[] g = peer.split("@");
            b.referencedGroupInfo(ReferencedSecurityGroup.builder().groupId(g[0]).userId(g[1]).build());
        } else if (peer.contains(":")) {
            b.cidrIpv6(peer);
        } else {
            b.cidrIpv4(peer);
        }
        return b.build();
    }

    static String record(String account, String region, boolean egress, SecurityGroupRule... rules) {
        return Records.authorize(UUID.randomUUID().toString(), Instant.parse("2026-11-28T12:00:00Z"), account, account,
                region, "sg-0feed000000000001", egress, List.of(rules));
    }

    static SecurityGroupChange change(String account, String region, boolean egress, SecurityGroupRule... rules) {
        return PARSER.parse(record(account, region, egress, rules), "test");
    }

    static SecurityGroupChange as(String roleSessionArn, String userAgent, SecurityGroupChange change) {
        return calledBy("AssumedRole", roleSessionArn, userAgent, change);
    }

    static SecurityGroupChange calledBy(String type, String arn, String userAgent, SecurityGroupChange change) {
        return PARSER.parse(Records.calledBy(change.record(), type, arn, userAgent), "test");
    }

    /** The same rules as changed by ModifySecurityGroupRules (whose records another parser reads). */
    static SecurityGroupChange modified(SecurityGroupChange c) {
        return new SecurityGroupChange(c.eventId(), c.requestId(), "ModifySecurityGroupRules", c.eventTime(),
                c.accountId(), c.region(), c.groupId(), c.direction(), c.actor(), c.rules(), c.intake(), c.record());
    }
}
