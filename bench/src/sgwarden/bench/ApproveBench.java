package sgwarden.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import sgwarden.slack.SlackSignature;
import sgwarden.testing.Clicks;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.SlackStandIn;

/**
 * Issue 3 (and the load of issue 5): signed Approve clicks sent open-loop at a fixed rate to the
 * packaged service, each on its own PENDING change (first decision wins, so a change takes one
 * Approve), and the time to answer each. One change is announced by the service from the Lake; the
 * others are copies of the ledger item it stored (announcing thousands through moto would take minutes).
 */
final class ApproveBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private ApproveBench() {
    }

    record Phase(double rate, Stats latency, int ok, int refused, int failed, int over3s, double achievedRate,
            long rssMaxKb, Map<String, Integer> failures) {
    }

    static void run(Path repo, Path logs) throws Exception {
        int seconds = Bench.intProp("bench.approve.seconds", 20);
        int warmup = Bench.intProp("bench.approve.warmup", 500);
        int[] rates = {50, 200};
        int capacitySeconds = Bench.intProp("bench.approve.capacity-seconds", 10);
        int needed = warmup + capacitySeconds * 400;
        for (int r : rates) {
            needed += r * seconds;
        }
        SlackStandIn slack = new SlackStandIn();
        LakeStandIn lake = new LakeStandIn();
        try (MotoServer moto = MotoServer.start(repo, logs)) {
            moto.createTable();
            Seed.Event template = Seed.event(0, Instant.now().minusSeconds(60));
            lake.seed(template.json());
            Map<String, String> settings = Service.lakeOnce(moto, slack, lake, "1s");
            try (Service service = Service.start(repo, logs, "service-approve", settings, Service.secrets(slack),
                    false)) {
                service.awaitReady(Duration.ofSeconds(60));
                service.awaitFirstMessage(slack);
                Deque<String> changes = new ArrayDeque<>(moto.clonePending(template.eventId(), needed));
                Bench.note(String.format(Locale.ROOT, "%d PENDING changes: one announced by the service from the Lake,"
                        + " %d copies of its ledger item written with BatchWriteItem", needed, needed - 1));
                Bench.note(String.format(Locale.ROOT, "moto alone, for scale: %.0f conditional UpdateItems/s"
                        + " (8 client threads, ReturnValues ALL_NEW, like the decision's update)",
                        moto.calibrate(1000, 8)));
                Thread.sleep(5000);
                Bench.note("RSS idle before the clicks: " + Bench.mib(service.rssKb()));
                String url = service.url() + "/slack/interactions";
                Phase w = phase(url, slack, service, changes, 50, warmup);
                Bench.note(String.format(Locale.ROOT, "warm-up: %d clicks at 50/s, %s; %d answered 200, %d not",
                        warmup, w.latency().line(), w.ok(), w.refused() + w.failed()));
                Thread.sleep(2000);
                double capacity = closedLoop(url, slack, changes, 8, capacitySeconds);
                Bench.figure("approve.capacity", String.format(Locale.ROOT,
                        "%.0f clicks/s answered with 8 clients each sending its next click on the previous answer"
                                + " (closed loop, %d s)",
                        capacity, capacitySeconds));
                Thread.sleep(2000);
                for (int rate : rates) {
                    Phase p = phase(url, slack, service, changes, rate, rate * seconds);
                    Bench.note(String.format(Locale.ROOT,
                            "%d/s for %d s: %s; %d answered 200 empty, %d refused, %d failed %s, %d over 3 s;"
                                    + " sent at %.1f/s",
                            rate, seconds, p.latency().line(), p.ok(), p.refused(), p.failed(), p.failures(),
                            p.over3s(), p.achievedRate()));
                    Bench.figure("approve." + rate + "rps", String.format(Locale.ROOT,
                            "p50 %.1f ms, p99 %.1f ms (max %.1f ms; %d requests, %d not answered 200 within the"
                                    + " client's 10 s, %d answered after Slack's 3 s)",
                            p.latency().pct(50), p.latency().pct(99), p.latency().max(), p.latency().count(),
                            p.refused() + p.failed(), p.over3s()));
                    Bench.figure("rss.approve-" + rate + "rps", Bench.mib(p.rssMaxKb())
                            + " at most (VmRSS sampled every 250 ms during the phase)");
                    Thread.sleep(2000);
                }
                long approved = moto.countStatus("APPROVED");
                Bench.note("APPROVED in DynamoDB: " + approved + " (clicks answered 200 without refusal should all be"
                        + " there; clicks that timed out may or may not have been applied)");
            }
        } finally {
            slack.stop();
            lake.stop();
        }
    }

    /** Closed loop: each client sends its next click when the previous one is answered. Returns clicks/s. */
    static double closedLoop(String url, SlackStandIn slack, Deque<String> changes, int clients, int seconds)
            throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        AtomicInteger answered = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
        for (int c = 0; c < clients; c++) {
            all.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    String id;
                    synchronized (changes) {
                        id = changes.poll();
                    }
                    if (id == null) {
                        return null;
                    }
                    HttpResponse<String> r = HTTP.send(click(url, slack, id), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && r.body().isEmpty()) {
                        answered.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (var f : all) {
            f.get();
        }
        pool.shutdown();
        return answered.get() / ((System.nanoTime() - start) / 1e9);
    }

    static HttpRequest click(String url, SlackStandIn slack, String changeId) {
        String body = Clicks.form(Clicks.payload("sgwarden_approve", changeId, "U0BENCH", "bench",
                slack.newResponseUrl()));
        String ts = Long.toString(Instant.now().getEpochSecond());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", SlackSignature.sign(Bench.SIGNING_SECRET, ts, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    }

    /**
     * Open loop: click i is due at t0 + i/rate whatever the earlier answers do, and its latency is
     * counted from when it was due, so a stalled server cannot hide its queue (no coordinated omission).
     */
    static Phase phase(String url, SlackStandIn slack, Service service, Deque<String> changes, double rate, int count)
            throws InterruptedException {
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentSkipListMap<>();
        CountDownLatch done = new CountDownLatch(count);
        AtomicLong rssMax = new AtomicLong(service.rssKb());
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                rssMax.accumulateAndGet(service.rssKb(), Math::max);
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long period = (long) (1e9 / rate);
        long t0 = System.nanoTime() + 20_000_000L;
        long lastSent = t0;
        for (int i = 0; i < count; i++) {
            long due = t0 + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String id;
            synchronized (changes) {
                id = changes.poll();
            }
            HTTP.sendAsync(click(url, slack, id), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        latencies.add((System.nanoTime() - due) / 1e6);
                        if (error != null || response.statusCode() != 200) {
                            failed.incrementAndGet();
                            Throwable cause = error instanceof java.util.concurrent.CompletionException
                                    && error.getCause() != null
                                            ? error.getCause()
                                            : error;
                            failures.merge(
                                    error != null ? cause.getClass().getSimpleName() : "HTTP " + response.statusCode(),
                                    1, Integer::sum);
                        } else if (response.body().isEmpty()) {
                            ok.incrementAndGet();
                        } else {
                            refused.incrementAndGet();
                        }
                        done.countDown();
                    });
            lastSent = System.nanoTime();
        }
        done.await(60, TimeUnit.SECONDS);
        sampler.interrupt();
        sampler.join();
        Stats stats = new Stats(latencies);
        int over = (int) java.util.Arrays.stream(stats.ms).filter(v -> v > 3000).count();
        double achieved = count > 1 ? (count - 1) / ((lastSent - t0) / 1e9) : rate;
        return new Phase(rate, stats, ok.get(), refused.get(), failed.get() + (count - latencies.size()), over,
                achieved, rssMax.get(), failures);
    }
}
