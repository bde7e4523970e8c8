package sgwarden.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees when checking the baseline file against records, before deploying it. */
class ExplainTest {

    static final String BASELINE = "deploy/policies/baseline.yaml";
    static final String FIXTURES = "src/test/resources/fixtures/";

    @Test
    void theBaselineFileAgainstThreeRecords() {
        Result r = explain(BASELINE, FIXTURES + "eventbridge-envelope.json", FIXTURES + "multi-permission.json",
                FIXTURES + "failed-call.json");
        assertEquals(0, r.status, r.err);
        assertEquals(
                """
                        policy file deploy/policies/baseline.yaml: 3 policies, tried in order
                          1. admin-and-database-ports-open-to-world (line 15): quarantine
                          2. infrastructure-as-code-private (line 26): approve, post compact
                          3. ask-everything-else (line 37): ask
                          rules no policy matches: ask

                        record src/test/resources/fixtures/eventbridge-envelope.json
                        change 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c: AuthorizeSecurityGroupIngress (added, ingress) on sg-0a1b2c3d4e5f60718 in 111111111111 / eu-west-1
                          by arn:aws:sts::111111111111:assumed-role/Admin/alice (AssumedRole), user agent aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#ec2.authorize-security-group-ingress
                          rule 1 sgr-0f1e2d3c4b5a69788: inbound tcp 22 from 0.0.0.0/0 [world] -> admin-and-database-ports-open-to-world: quarantine
                        action: quarantine (policy admin-and-database-ports-open-to-world)

                        record src/test/resources/fixtures/multi-permission.json
                        change 5a6b7c8d-9e0f-4a1b-8c2d-e3f4a5b6c7d8: AuthorizeSecurityGroupIngress (added, ingress) on sg-0e1f2a3b4c5d6e7f8 in 111111111111 / eu-west-1
                          by arn:aws:sts::111111111111:assumed-role/Admin/alice (AssumedRole), user agent aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#ec2.authorize-security-group-ingress
                          rule 1 sgr-0100000000000000a: inbound tcp 443 from 10.0.0.0/16 [private] -> ask-everything-else: ask
                          rule 2 sgr-0100000000000000b: inbound tcp 443 from 192.168.10.0/24 [private] -> ask-everything-else: ask
                          rule 3 sgr-0100000000000000c: inbound tcp 443 from 2001:db8::/32 [public] -> ask-everything-else: ask
                          rule 4 sgr-0100000000000000d: inbound tcp 443 from pl-0abc1234def567890 [prefix-list] -> ask-everything-else: ask
                          rule 5 sgr-0100000000000000e: inbound tcp 8080-8090 from 172.16.0.0/12 [private] -> ask-everything-else: ask
                          rule 6 sgr-0100000000000000f: inbound udp 1000-2000 from sg-0999888777666555a (account 111111111111) [group-same-account] -> ask-everything-else: ask
                        action: ask (policy ask-everything-else)

                        record src/test/resources/fixtures/failed-call.json
                          not a rule change sgwarden acts on (a failed call, or another event): nothing to do
                        """,
                r.out);
    }

    @Test
    void anApprovalAndADryRunSayWhatTheyDo(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("terraform.json");
        Files.writeString(record, PolicyTableTest.as(PolicyTableTest.TERRAFORM, "Terraform/1.9.8",
                PolicyTableTest.change("111111111111", "eu-west-1", false,
                        PolicyTableTest.rule("tcp", 5432, 5432, "10.0.0.0/16")))
                .record());
        Result approve = explain(BASELINE, record.toString());
        assertEquals(0, approve.status, approve.err);
        String last = approve.out.lines().reduce((a, b) -> b).orElseThrow();
        assertEquals("action: approve (policy infrastructure-as-code-private, post compact)", last);

        Path trial = dir.resolve("trial.yaml");
        Files.writeString(trial,
                "policies:\n  - name: trial\n    match: {peers: [private]}\n    action: revert\n    dryRun: true\n");
        Result dry = explain(trial.toString(), record.toString());
        assertEquals(0, dry.status, dry.err);
        assertEquals(true, dry.out.contains("[private] -> trial: ask (dry run: would revert)\n"
                + "action: ask (policy trial, dry run: would revert)\n"), dry.out);
    }

    @Test
    void halvesAndWideRangesSayWhy(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("halves.json");
        Files.writeString(record, PolicyTableTest.record("111111111111", "eu-west-1", false,
                PolicyTableTest.rule("tcp", 22, 22, "0.0.0.0/2"), PolicyTableTest.rule("tcp", 22, 22, "64.0.0.0/2"),
                PolicyTableTest.rule("tcp", 22, 22, "128.0.0.0/1"), PolicyTableTest.rule("tcp", 22, 22, "8.0.0.0/8"),
                PolicyTableTest.rule("tcp", 443, 443, "8.0.0.0/8"),
                PolicyTableTest.rule("tcp", 443, 443, "10.0.0.0/8")));
        Result r = explain(BASELINE, record.toString());
        assertEquals(0, r.status, r.err);
        List<String> kinds = r.out.lines().filter(l -> l.contains(" rule "))
                .map(l -> l.substring(l.indexOf(" from ") + 6)).toList();
        assertEquals(List.of(
                "0.0.0.0/2 [world: with other rules of this change it opens the whole internet] -> admin-and-database-ports-open-to-world: quarantine",
                "64.0.0.0/2 [world: with other rules of this change it opens the whole internet] -> admin-and-database-ports-open-to-world: quarantine",
                "128.0.0.0/1 [world: half the internet] -> admin-and-database-ports-open-to-world: quarantine",
                "8.0.0.0/8 [wide: a public /8 or wider] -> admin-and-database-ports-open-to-world: quarantine",
                "8.0.0.0/8 [wide: a public /8 or wider] -> ask-everything-else: ask",
                "10.0.0.0/8 [private] -> ask-everything-else: ask"), kinds);
    }

    @Test
    void groupTagsComeFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("tags.yaml");
        Files.writeString(policy,
                "policies:\n  - name: prod\n    match: {tags: {env: prod}}\n    action: quarantine\n");
        String record = FIXTURES + "ipv6.json";
        assertEquals(true, explain(policy.toString(), record).out.contains("without --tags the group has none"));
        assertEquals(true, explain(policy.toString(), record).out.endsWith("action: ask (no policy)\n"));
        assertEquals(true, explain("--tags", "env=prod,team=web", policy.toString(), record).out
                .endsWith("action: quarantine (policy prod)\n"));
    }

    @Test
    void aTagChangeSaysWhatItSwitches(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("tags.yaml");
        Files.writeString(policy, """
                policies:
                  - name: platform-team-trusted
                    match: {tags: {team: platform}}
                    action: approve
                """);
        Result r = explain("--tags", "team=legacy", policy.toString(), FIXTURES + "create-tags.json");
        assertEquals(0, r.status, r.err);
        assertEquals(true,
                r.out.endsWith(
                        """
                                change 7d6c5b4a-3e2f-4a1b-8c9d-0e1f2a3b4c5d: CreateTags team=platform on sg-0a1b2c3d4e5f60718 in 111111111111 / eu-west-1
                                  tags before {team=legacy}, after {team=platform}
                                  from now on policy platform-team-trusted approves changes to sg-0a1b2c3d4e5f60718
                                action: ask (Approve lets approve policies count the new tags; Deny puts the earlier tags back)
                                """),
                r.out);

        Path other = dir.resolve("other.yaml");
        Files.writeString(other, "policies:\n  - name: prod\n    match: {tags: {env: prod}}\n    action: revert\n");
        assertEquals(true, explain(other.toString(), FIXTURES + "create-tags.json").out
                .endsWith("  no policy matches on this key: skipped, nothing posted\n"));
    }

    @Test
    void aBadFileOrRecordIsReportedWithAStatus(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "policies:\n  - name: a\n    action: sometimes\n");
        Result r = explain(bad.toString(), FIXTURES + "ipv6.json");
        assertEquals(1, r.status);
        assertEquals("bad policy file " + bad
                + ": line 3: unknown action 'sometimes' (use ask, approve, revert or quarantine)"
                + " (at policies[0].action)\n", r.err);

        Result unreadable = explain(BASELINE, FIXTURES + "unparseable.json");
        assertEquals(1, unreadable.status);
        assertEquals(2, explain().status);
    }

    record Result(int status, String out, String err) {
    }

    static Result explain(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Explain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
