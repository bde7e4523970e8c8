package sgwarden.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import software.amazon.awssdk.services.sqs.SqsClient;

import sgwarden.testing.SlackStandIn;

/**
 * Issue 4: EventBridge envelopes put on the intake queue in moto, consumed by the packaged service
 * with its default SQS settings (long poll 20 s, batches of 10, 2 consumers), and the time from each
 * SendMessage to the Slack stand-in receiving that change. Then a burst, for throughput.
 */
final class SqsBench {

    private SqsBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        int events = Bench.intProp("bench.sqs.events", 1000);
        int rate = Bench.intProp("bench.sqs.rate", 8);
        int burst = Bench.intProp("bench.sqs.burst", 300);
        SlackStandIn slack = new SlackStandIn();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        try (MotoServer moto = MotoServer.start(repo, logs); SqsClient sqs = moto.sqs()) {
            moto.createTable();
            String queueUrl = moto.createQueue();
            Map<String, String> settings = new LinkedHashMap<>(Service.base(moto, slack));
            settings.put("sgwarden.intake", "sqs");
            settings.put("sgwarden.sqs.queue-url", queueUrl);
            settings.put("sgwarden.sqs.visibility-timeout", "30");
            try (Service service = Service.start(repo, logs, "service-sqs", settings, Service.secrets(slack), false)) {
                // readiness waits for the consumer's first long poll (20 s on an empty queue); liveness is enough here
                service.awaitHealth("/q/health/live", Duration.ofSeconds(60));
                Map<String, Instant> sent = new ConcurrentHashMap<>();

                paced(sqs, queueUrl, senders, sent, 50, 10);
                awaitAnnounced(slack, sent.size(), 60);
                Bench.note("warm-up: " + slack.messages().size() + " of 50 events sent at 10/s announced");

                int before = slack.messages().size();
                List<Seed.Event> measured = paced(sqs, queueUrl, senders, sent, events, rate);
                awaitAnnounced(slack, before + events, 60);
                Stats latency = latencies(slack, sent, measured);
                Bench.note(String.format(Locale.ROOT, "%d events at %d/s: %s", events, rate, latency.line()));
                Bench.figure("sqs.latency", String.format(Locale.ROOT,
                        "p50 %.0f ms, p99 %.0f ms (SendMessage to Slack stand-in, %d events sent at %d/s; max %.0f ms)",
                        latency.pct(50), latency.pct(99), latency.count(), rate, latency.max()));
                if (latency.count() != events) {
                    Bench.note("WARNING: " + (events - latency.count()) + " events were not announced within 60 s of"
                            + " the last send");
                }

                Thread.sleep(2000);
                before = slack.messages().size();
                List<Seed.Event> burstEvents = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    burstEvents.add(Seed.event(i, Instant.now()));
                }
                Instant burstStart = Instant.now();
                List<java.util.concurrent.Future<?>> batches = new ArrayList<>();
                for (int i = 0; i < burst; i += 10) {
                    List<Seed.Event> batch = burstEvents.subList(i, Math.min(burst, i + 10));
                    batches.add(senders.submit(() -> {
                        Instant at = Instant.now();
                        batch.forEach(e -> sent.put(e.eventId(), at));
                        Seed.send(sqs, queueUrl, batch);
                    }));
                }
                for (var f : batches) {
                    f.get();
                }
                Instant burstSent = Instant.now();
                awaitAnnounced(slack, before + burst, 90);
                List<SlackStandIn.Received> all = slack.messages();
                List<SlackStandIn.Received> burstMessages = all.subList(before, all.size());
                Instant last = burstMessages.get(burstMessages.size() - 1).at();
                Instant first = burstMessages.get(0).at();
                double throughput = burstMessages.size() / LakeBench.seconds(burstStart, last);
                double drain = (burstMessages.size() - 1) / LakeBench.seconds(first, last);
                Stats burstLatency = latencies(slack, sent, burstEvents);
                Bench.note(String.format(Locale.ROOT,
                        "burst of %d (SendMessageBatch by 4 threads, all sent in %.2f s): %d announced, last %.2f s after"
                                + " the first send; latency under backlog %s",
                        burst, LakeBench.seconds(burstStart, burstSent), burstMessages.size(),
                        LakeBench.seconds(burstStart, last), burstLatency.line()));
                Bench.figure("sqs.throughput", String.format(Locale.ROOT,
                        "%.0f changes/s (burst of %d: first SendMessageBatch to last Slack post); %.0f changes/s"
                                + " first to last post",
                        throughput, burst, drain));
                long pending = moto.countStatus("PENDING");
                int depth = depth(sqs, queueUrl);
                // the consumers are in a 20 s long poll; the graceful stop would wait for it
                service.close(Duration.ofSeconds(3));
                Bench.note("PENDING in DynamoDB: " + pending + " (expected " + (50 + events + burst)
                        + "), messages left on the queue: " + depth);
            }
        } finally {
            senders.shutdownNow();
            senders.awaitTermination(10, TimeUnit.SECONDS);
            slack.stop();
        }
    }

    /** Open loop: event i is sent at t0 + i/rate by one of the sender threads. */
    static List<Seed.Event> paced(SqsClient sqs, String queueUrl, ExecutorService senders, Map<String, Instant> sent,
            int count, int rate) throws Exception {
        List<Seed.Event> events = new ArrayList<>();
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        long period = 1_000_000_000L / rate;
        long t0 = System.nanoTime() + 20_000_000L;
        for (int i = 0; i < count; i++) {
            Seed.Event e = Seed.event(i, Instant.now());
            events.add(e);
            String body = Seed.envelope(e);
            long due = t0 + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            futures.add(senders.submit(() -> {
                sent.put(e.eventId(), Instant.now());
                sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
            }));
        }
        for (var f : futures) {
            f.get();
        }
        return events;
    }

    static void awaitAnnounced(SlackStandIn slack, int total, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (slack.messages().size() < total && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    static Stats latencies(SlackStandIn slack, Map<String, Instant> sent, List<Seed.Event> events) {
        Map<String, Instant> received = new java.util.HashMap<>();
        for (SlackStandIn.Received m : slack.messages()) {
            received.putIfAbsent(Seed.announcedChange(m.json()), m.at());
        }
        List<Double> ms = new ArrayList<>();
        for (Seed.Event e : events) {
            Instant r = received.get(e.eventId());
            if (r != null) {
                ms.add(Duration.between(sent.get(e.eventId()), r).toNanos() / 1e6);
            }
        }
        return new Stats(ms);
    }

    static int depth(SqsClient sqs, String queueUrl) {
        var a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNamesWithStrings(
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
        return Integer.parseInt(a.get("ApproximateNumberOfMessages"))
                + Integer.parseInt(a.get("ApproximateNumberOfMessagesNotVisible"));
    }
}
