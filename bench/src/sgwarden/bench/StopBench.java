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
 * Issue 11: how long a graceful stop (SIGTERM to exit) takes with the SQS intake, and that it loses
 * nothing. First idle, in the 20 s long poll. Then busy: changes are being paced out to a
 * rate-limited Slack stand-in when SIGTERM arrives; a second instance is started afterwards, and
 * every change must be announced, none twice except a post cut off at the stop, none in the DLQ.
 */
final class StopBench {

    private StopBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        int idleRuns = Bench.intProp("bench.stop.idle-runs", 3);
        int events = Bench.intProp("bench.stop.events", 40);
        SlackStandIn slack = new SlackStandIn();
        try (MotoServer moto = MotoServer.start(repo, logs); SqsClient sqs = moto.sqs()) {
            moto.createTable();
            // short enough that what the stopped instance held comes back within the run
            String queueUrl = moto.createQueue(20, 10);
            Map<String, String> settings = new LinkedHashMap<>(Service.base(moto, slack));
            settings.put("sgwarden.intake", "sqs");
            settings.put("sgwarden.sqs.queue-url", queueUrl);
            settings.put("sgwarden.sqs.visibility-timeout", "20");

            List<Double> idle = new ArrayList<>();
            for (int i = 1; i <= idleRuns; i++) {
                try (Service service = Service.start(repo, logs, "service-stop-idle-" + i, settings,
                        Service.secrets(slack), false)) {
                    service.awaitReady(Duration.ofSeconds(60));
                    Thread.sleep(3000);
                    idle.add(stop(service));
                    Bench.note(String.format(Locale.ROOT, "idle, run %d: SIGTERM to exit %.2f s", i,
                            idle.get(idle.size() - 1)));
                }
            }
            Stats idleStats = new Stats(idle);
            Bench.figure("stop.idle", String.format(Locale.ROOT,
                    "median %.2f s, max %.2f s (SIGTERM to exit, SQS intake in its 20 s long poll; %d stops)",
                    idleStats.pct(50), idleStats.max(), idleStats.count()));

            // busy: Slack takes 1 post per second (burst 5), the service paces at 2/s and meets 429s
            slack.enforceRateLimit(1, 5);
            settings.put("sgwarden.slack.rate", "2");
            settings.put("sgwarden.slack.burst", "2");
            settings.put("sgwarden.claim-timeout", "10s");
            List<Seed.Event> sent = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                sent.add(Seed.event(i, Instant.now()));
            }
            double busy;
            try (Service service = Service.start(repo, logs, "service-stop-busy", settings, Service.secrets(slack),
                    false)) {
                service.awaitReady(Duration.ofSeconds(60));
                Seed.sendAll(sqs, queueUrl, sent);
                while (slack.messages().size() < 8) {
                    Thread.sleep(50);
                }
                busy = stop(service);
            }
            int before = BurstBench.announced(slack, sent);
            Bench.note(String.format(Locale.ROOT, "busy: SIGTERM to exit %.2f s, with %d of %d changes announced",
                    busy, before, events));
            try (Service again = Service.start(repo, logs, "service-stop-after", settings, Service.secrets(slack),
                    false)) {
                again.awaitReady(Duration.ofSeconds(60));
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (BurstBench.announced(slack, sent) < events && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                Thread.sleep(3000);
                Map<String, Integer> times = new HashMap<>();
                slack.messages().forEach(m -> times.merge(Seed.announcedChange(m.json()), 1, Integer::sum));
                long twice = times.values().stream().filter(n -> n > 1).count();
                int announced = BurstBench.announced(slack, sent);
                int dlq = SqsBench.depth(sqs, sqs.getQueueUrl(b -> b.queueName(MotoServer.DLQ)).queueUrl());
                Bench.figure("stop.busy", String.format(Locale.ROOT,
                        "%.2f s (SIGTERM to exit while posts were being paced out; %d of %d announced before the stop);"
                                + " after a restart %d of %d announced, %d twice, %d lost, dead-letter queue %d",
                        busy, before, events, announced, events, twice, events - announced, dlq));
                again.close(Duration.ofSeconds(10));
            }
        } finally {
            slack.stop();
        }
    }

    /** SIGTERM, and the time until the process has exited. */
    static double stop(Service service) {
        long start = System.nanoTime();
        service.close(Duration.ofSeconds(30));
        return (System.nanoTime() - start) / 1e9;
    }
}
