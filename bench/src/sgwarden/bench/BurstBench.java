package sgwarden.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import software.amazon.awssdk.services.sqs.SqsClient;

import sgwarden.testing.SlackStandIn;

/**
 * Issue 11: a burst of rule additions (one Terraform apply) through the SQS intake, against a Slack
 * stand-in that enforces Slack's limit: 1 post per second per channel with a burst of 5, 429 with
 * Retry-After beyond it. The service runs with its production defaults (pacing 1 per second, burst
 * 3; 2 consumers, batches of 10; visibility 120 s) and a queue made as the templates make it.
 */
final class BurstBench {

    private BurstBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        int burst = Bench.intProp("bench.burst.events", 200);
        double slackRate = 1;
        int slackBurst = 5;
        SlackStandIn slack = new SlackStandIn();
        slack.enforceRateLimit(slackRate, slackBurst);
        try (MotoServer moto = MotoServer.start(repo, logs); SqsClient sqs = moto.sqs()) {
            moto.createTable();
            String queueUrl = moto.createQueue(120, 10);
            Map<String, String> settings = new LinkedHashMap<>(Service.base(moto, slack));
            // the production pacing, not the pipeline benchmarks' "as fast as it goes"
            settings.remove("sgwarden.slack.rate");
            settings.remove("sgwarden.slack.burst");
            settings.put("sgwarden.intake", "sqs");
            settings.put("sgwarden.sqs.queue-url", queueUrl);
            try (Service service = Service.start(repo, logs, "service-burst", settings, Service.secrets(slack),
                    false)) {
                service.awaitReady(Duration.ofSeconds(60));
                List<Seed.Event> events = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    events.add(Seed.event(i, Instant.now()));
                }
                Instant start = Instant.now();
                Seed.sendAll(sqs, queueUrl, events);
                Instant sent = Instant.now();
                double floor = (burst - slackBurst) / slackRate;
                long deadline = System.nanoTime() + Duration.ofSeconds((long) (floor * 2 + 60)).toNanos();
                while (distinct(slack) < burst && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                // anything still to come (a duplicate, a late retry) would show within a few seconds
                Thread.sleep(5000);
                List<SlackStandIn.Received> posts = slack.messages();
                Map<String, Integer> times = new HashMap<>();
                posts.forEach(m -> times.merge(Seed.announcedChange(m.json()), 1, Integer::sum));
                int announced = (int) events.stream().filter(e -> times.containsKey(e.eventId())).count();
                long duplicated = times.values().stream().filter(n -> n > 1).count();
                Instant last = posts.stream().map(SlackStandIn.Received::at).max(Instant::compareTo).orElse(start);
                double took = LakeBench.seconds(start, last);
                int queueLeft = SqsBench.depth(sqs, queueUrl);
                int dlq = SqsBench.depth(sqs, sqs.getQueueUrl(b -> b.queueName(MotoServer.DLQ)).queueUrl());
                Bench.note(String.format(Locale.ROOT,
                        "%d events sent in %.2f s (SendMessageBatch); %d announced, %d announced more than once,"
                                + " %d lost; 429 answers: %d; queue left %d, dead-letter queue %d",
                        burst, LakeBench.seconds(start, sent), announced, duplicated, burst - announced,
                        slack.refusals(), queueLeft, dlq));
                Bench.figure("burst.time", String.format(Locale.ROOT,
                        "%.1f s from the first send to the last post, against Slack's floor of %.0f s (1/s after a burst"
                                + " of %d): %.2fx",
                        took, floor, slackBurst, took / floor));
                Bench.figure("burst.refusals", String.format(Locale.ROOT, "%d answers 429 for %d posts",
                        slack.refusals(), burst));
                Bench.figure("burst.integrity", String.format(Locale.ROOT,
                        "%d of %d announced, %d duplicated, %d lost; dead-letter queue %d, queue left %d",
                        announced, burst, duplicated, burst - announced, dlq, queueLeft));
                service.close(Duration.ofSeconds(10));
            }
        } finally {
            slack.stop();
        }
    }

    /** How many of these changes Slack has accepted at least once. */
    static int announced(SlackStandIn slack, List<Seed.Event> events) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        slack.messages().forEach(m -> seen.add(Seed.announcedChange(m.json())));
        return (int) events.stream().filter(e -> seen.contains(e.eventId())).count();
    }

    static long distinct(SlackStandIn slack) {
        return slack.messages().stream().map(m -> Seed.announcedChange(m.json())).distinct().count();
    }
}
