package sgwarden.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import software.amazon.awssdk.services.sqs.SqsClient;

import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;

/**
 * Issue 13: the burst benchmark's burst of one Terraform apply (200 rule additions through the SQS
 * intake, against a Slack stand-in that enforces Slack's limit, production pacing and queue), made by the CI role, with a policy that approves that role and posts nothing.
 * Counts the messages people see in the channel, and how long until every change is recorded.
 */
final class PolicyBurstBench {

    static final String CI_ROLE = "arn:aws:sts::111111111111:assumed-role/terraform-ci/apply-4711";
    static final String POLICIES = """
            policies:
              - name: ci-terraform
                match: {principals: ["arn:aws:sts::*:assumed-role/terraform-ci/*"]}
                action: approve
                post: none
            """;

    private PolicyBurstBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        int burst = Bench.intProp("bench.burst.events", 200);
        // as the burst benchmark runs it: Slack's limit enforced, the production pacing and queue
        SlackStandIn slack = new SlackStandIn();
        slack.enforceRateLimit(1, 5);
        try (MotoServer moto = MotoServer.start(repo, logs); SqsClient sqs = moto.sqs()) {
            moto.createTable();
            String queueUrl = moto.createQueue(120, 10);
            Map<String, String> settings = new LinkedHashMap<>(Service.base(moto, slack));
            settings.remove("sgwarden.slack.rate");
            settings.remove("sgwarden.slack.burst");
            settings.put("sgwarden.intake", "sqs");
            settings.put("sgwarden.sqs.queue-url", queueUrl);
            settings.put("sgwarden.policy.inline", POLICIES);
            try (Service service = Service.start(repo, logs, "service-policy-burst", settings, Service.secrets(slack),
                    false)) {
                service.awaitReady(Duration.ofSeconds(60));
                List<Seed.Event> events = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    Seed.Event e = Seed.event(i, Instant.now());
                    events.add(new Seed.Event(e.eventId(), Records.calledBy(e.json(), "AssumedRole", CI_ROLE,
                            "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 aws-sdk-go-v2/1.32.2")));
                }
                Instant start = Instant.now();
                Seed.sendAll(sqs, queueUrl, events);
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                long approved = 0;
                while ((approved = moto.countStatus("APPROVED")) < burst && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                double took = LakeBench.seconds(start, Instant.now());
                // anything posted late would show within a few seconds
                Thread.sleep(3000);
                int posts = slack.messages().size();
                int queueLeft = SqsBench.depth(sqs, queueUrl);
                Bench.note(String.format(Locale.ROOT, "%d changes by %s; %d recorded APPROVED by policy ci-terraform"
                        + " in %.1f s; %d Slack messages; queue left %d", burst, CI_ROLE, approved, took, posts,
                        queueLeft));
                Bench.figure("policy-burst.messages", String.format(Locale.ROOT,
                        "%d messages in the channel for a burst of %d changes by the CI role (approve, post: none);"
                                + " without the policy: %d",
                        posts, burst, burst));
                Bench.figure("policy-burst.time", String.format(Locale.ROOT,
                        "%d of %d recorded APPROVED %.1f s after the first send (nothing waits for Slack's 1/s)",
                        approved, burst, took));
                service.close(Duration.ofSeconds(10));
            }
        } finally {
            slack.stop();
        }
    }
}
