package sgwarden.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.SecurityGroupChange;
import sgwarden.policy.GroupTags;
import sgwarden.policy.PolicyEvaluator;
import sgwarden.policy.PolicyFile;
import sgwarden.policy.PolicySource;
import sgwarden.policy.Verdict;
import sgwarden.testing.Records;

/**
 * Issue 13: time to evaluate the baseline policy for one change, in process (no service, no AWS).
 * Group tags are not involved: the baseline does not use them, and a lookup is an AWS call.
 */
final class PolicyBench {

    private PolicyBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        PolicyFile baseline = PolicySource.read(repo.resolve("deploy/policies/baseline.yaml"));
        PolicyEvaluator evaluator = new PolicyEvaluator(baseline, GroupTags.NONE);
        CloudTrailParser parser = new CloudTrailParser(new ObjectMapper());
        record Case(String name, SecurityGroupChange change) {
        }
        List<Case> cases = new ArrayList<>();
        for (String f : List.of("ingress-tcp-22-world", "multi-permission", "sg-reference-cross-account")) {
            cases.add(new Case("fixture " + f, parser.parse(Files.readString(repo.resolve(
                    "src/test/resources/fixtures/" + f + ".json")), "bench")));
        }
        String terraform = "arn:aws:sts::111111111111:assumed-role/terraform-ci/run";
        cases.add(new Case("Terraform, 1 private rule (approve: every policy up to the second)",
                parser.parse(
                        Records.calledBy(record(rules(1, "10.0.0.0/16")), "AssumedRole", terraform, "Terraform/1.9.8"),
                        "bench")));
        cases.add(
                new Case("Terraform, 20 private rules", parser.parse(Records.calledBy(record(rules(20, "10.0.0.0/16")),
                        "AssumedRole", terraform, "Terraform/1.9.8"), "bench")));
        cases.add(new Case("person, 20 public rules (ask: all three policies per rule)",
                parser.parse(record(rules(20, "203.0.113.0/24")), "bench")));

        int warmup = Integer.getInteger("bench.policy.warmup", 50_000);
        int samples = Integer.getInteger("bench.policy.samples", 20_000);
        int batch = 20;
        Bench.note("baseline: " + baseline.policies().size() + " policies; " + warmup
                + " warm-up evaluations per case, then "
                + samples + " samples, each the mean of " + batch + " evaluations");
        long sink = 0;
        for (Case c : cases) {
            for (int i = 0; i < warmup; i++) {
                sink += evaluator.evaluate(c.change).rules().size();
            }
            List<Double> ms = new ArrayList<>(samples);
            for (int s = 0; s < samples; s++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < batch; i++) {
                    Verdict v = evaluator.evaluate(c.change);
                    sink += v.action().ordinal();
                }
                ms.add((System.nanoTime() - t0) / 1e6 / batch);
            }
            Stats stats = new Stats(ms);
            String action = evaluator.evaluate(c.change).action().word();
            String line = String.format(Locale.ROOT, "%s, %d rule(s), %s: p50 %.2f us, p99 %.2f us, max %.1f us",
                    c.name, c.change.rules().size(), action, stats.pct(50) * 1000, stats.pct(99) * 1000,
                    stats.max() * 1000);
            Bench.note(line);
            Files.writeString(logs.resolve("policy.txt"), line + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            if (c.name.startsWith("fixture ingress")) {
                Bench.figure("policy: baseline, one change (1 rule, ssh from the world)",
                        String.format(Locale.ROOT, "p50 %.2f us, p99 %.2f us (goal < 1 ms)", stats.pct(50) * 1000,
                                stats.pct(99) * 1000));
            }
            if (c.name.startsWith("person, 20")) {
                Bench.figure("policy: baseline, one change of 20 rules that all ask",
                        String.format(Locale.ROOT, "p50 %.2f us, p99 %.2f us", stats.pct(50) * 1000,
                                stats.pct(99) * 1000));
            }
        }
        Bench.note("(checksum " + sink + ")");
    }

    private static List<SecurityGroupRule> rules(int n, String cidr) {
        List<SecurityGroupRule> rules = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rules.add(SecurityGroupRule.builder().securityGroupRuleId(String.format("sgr-%017x", i + 1))
                    .ipProtocol("tcp").fromPort(8000 + i).toPort(8000 + i).cidrIpv4(cidr).build());
        }
        return rules;
    }

    private static String record(List<SecurityGroupRule> rules) {
        return Records.authorize(UUID.randomUUID().toString(), Instant.now(), "111111111111", "111111111111",
                "eu-west-1", "sg-0bench00000000001", false, rules);
    }
}
