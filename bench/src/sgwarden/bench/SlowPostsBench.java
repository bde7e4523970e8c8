package sgwarden.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import sgwarden.testing.LakeStandIn;
import sgwarden.testing.SlackStandIn;

/**
 * Issue 25: signed clicks while 500 connections that sent their headers trickle a body (a byte every
 * 250 ms, never finishing it). Each attacking connection is opened again as soon as the service closes
 * it, so that 500 stay open throughout, as an attacker would keep them. The clicks are Approves on
 * PENDING changes, as in the approve benchmark, sent open loop; each one's time runs from when it was
 * due to its full answer.
 */
final class SlowPostsBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private SlowPostsBench() {
    }

    record Clicks(Stats latency, int ok, Map<String, Integer> other, List<Integer> openAtSend) {
    }

    static void run(Path repo, Path logs) throws Exception {
        int slow = Bench.intProp("bench.slow.connections", 500);
        int clicks = Bench.intProp("bench.slow.clicks", 20);
        int warmup = Bench.intProp("bench.slow.warmup", 100);
        int trickleMs = Bench.intProp("bench.slow.trickle-ms", 250);
        int gapMs = Bench.intProp("bench.slow.click-gap-ms", 500);
        SlackStandIn slack = new SlackStandIn();
        LakeStandIn lake = new LakeStandIn();
        try (MotoServer moto = MotoServer.start(repo, logs)) {
            moto.createTable();
            Seed.Event template = Seed.event(0, Instant.now().minusSeconds(60));
            lake.seed(template.json());
            Map<String, String> settings = Service.lakeOnce(moto, slack, lake, "1s");
            try (Service service = Service.start(repo, logs, "service-slow-posts", settings, Service.secrets(slack),
                    false)) {
                service.awaitReady(Duration.ofSeconds(60));
                service.awaitFirstMessage(slack);
                int needed = warmup + 2 * clicks;
                Deque<String> changes = new ArrayDeque<>(moto.clonePending(template.eventId(), needed));
                String url = service.url() + "/slack/interactions";

                Clicks w = clicks(url, slack, changes, warmup, 50, null);
                Bench.note(String.format(Locale.ROOT, "warm-up: %d clicks, 20/s, no slow connections: %s; %d answered"
                        + " 200, other %s", warmup, w.latency().line(), w.ok(), w.other()));
                Clicks quiet = clicks(url, slack, changes, clicks, gapMs, null);
                Bench.figure("slow-posts.quiet",
                        String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms (%d signed clicks,"
                                + " one every %d ms, no slow connections; %d answered 200)", quiet.latency().pct(50),
                                quiet.latency().pct(99), clicks, gapMs, quiet.ok()));

                Attack attack = new Attack(URI.create(url), slow, trickleMs);
                attack.start();
                try {
                    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (attack.everOpen.get() < slow && System.nanoTime() < until) {
                        Thread.sleep(50);
                    }
                    Bench.note(String.format(Locale.ROOT, "%d slow connections opened (%d open now), trickling a"
                            + " byte every %d ms each", attack.everOpen.get(), attack.open.get(), trickleMs));
                    long rssBefore = service.rssKb();
                    Clicks hit = clicks(url, slack, changes, clicks, gapMs, attack.open);
                    Bench.note(String.format(Locale.ROOT, "under attack: %s; open slow connections when each click"
                            + " was sent: %s", hit.latency().line(), hit.openAtSend()));
                    Bench.figure("slow-posts.attacked", String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms (max"
                            + " %.1f ms; %d signed clicks, one every %d ms, %d answered 200, other %s) with %d to %d"
                            + " slow connections open (goal: p99 under 1 s)", hit.latency().pct(50),
                            hit.latency().pct(99), hit.latency().max(), clicks, gapMs, hit.ok(), hit.other(),
                            hit.openAtSend().stream().mapToInt(Integer::intValue).min().orElse(0),
                            hit.openAtSend().stream().mapToInt(Integer::intValue).max().orElse(0)));
                    Bench.note(String.format(Locale.ROOT, "RSS %s before the clicks, %s after", Bench.mib(rssBefore),
                            Bench.mib(service.rssKb())));
                } finally {
                    attack.stop();
                }
                Bench.note(String.format(Locale.ROOT, "slow connections over the run: %d opened, answers %s, %d"
                        + " closed without an answer; each lived %s", attack.everOpen.get(), attack.answers,
                        attack.closedSilently.get(), new Stats(attack.lifetimes).line()));
                Bench.note("APPROVED in DynamoDB: " + moto.countStatus("APPROVED") + " (clicks answered 200: "
                        + (w.ok() + quiet.ok()) + " before the attack, plus those under it)");
            }
        } finally {
            slack.stop();
            lake.stop();
        }
    }

    /** count signed Approves, one every gapMs (open loop), each on its own PENDING change. */
    static Clicks clicks(String url, SlackStandIn slack, Deque<String> changes, int count, int gapMs,
            AtomicInteger open) throws InterruptedException {
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger ok = new AtomicInteger();
        Map<String, Integer> other = new ConcurrentSkipListMap<>();
        List<Integer> openAtSend = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(count);
        long t0 = System.nanoTime() + 20_000_000L;
        for (int i = 0; i < count; i++) {
            long due = t0 + i * gapMs * 1_000_000L;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (open != null) {
                openAtSend.add(open.get());
            }
            String id;
            synchronized (changes) {
                id = changes.poll();
            }
            HTTP.sendAsync(ApproveBench.click(url, slack, id), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        latencies.add((System.nanoTime() - due) / 1e6);
                        if (error == null && response.statusCode() == 200 && response.body().isEmpty()) {
                            ok.incrementAndGet();
                        } else {
                            other.merge(error != null ? error.getClass().getSimpleName()
                                    : "HTTP " + response.statusCode(), 1, Integer::sum);
                        }
                        done.countDown();
                    });
        }
        done.await(60, TimeUnit.SECONDS);
        return new Clicks(new Stats(latencies), ok.get(), other, openAtSend);
    }

    /**
     * The slow connections: one thread per connection slot, each sending a head that passes every check
     * the headers allow (form content type, a Content-Length within the limit, a timestamp of now, a
     * signature, forged), then a byte of the body every trickleMs, never the rest; opened again at once
     * when the service answers or closes it.
     */
    static final class Attack {
        final URI url;
        final int slots;
        final int trickleMs;
        final AtomicInteger open = new AtomicInteger();
        final AtomicLong everOpen = new AtomicLong();
        final AtomicLong closedSilently = new AtomicLong();
        final Map<String, Integer> answers = new ConcurrentSkipListMap<>();
        final ConcurrentLinkedQueue<Double> lifetimes = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        volatile boolean stopping;

        Attack(URI url, int slots, int trickleMs) {
            this.url = url;
            this.slots = slots;
            this.trickleMs = trickleMs;
        }

        void start() {
            for (int i = 0; i < slots; i++) {
                Thread t = new Thread(this::slot, "slow-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        void stop() throws InterruptedException {
            stopping = true;
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join(5000);
            }
        }

        private void slot() {
            while (!stopping) {
                long opened = 0;
                boolean counted = false;
                try (Socket socket = new Socket(url.getHost(), url.getPort())) {
                    OutputStream out = socket.getOutputStream();
                    InputStream in = socket.getInputStream();
                    String ts = Long.toString(Instant.now().getEpochSecond());
                    out.write(("POST " + url.getPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                            + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n"
                            + "X-Slack-Request-Timestamp: " + ts + "\r\nX-Slack-Signature: v0=" + "9".repeat(64)
                            + "\r\n\r\npayload=").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    opened = System.nanoTime();
                    open.incrementAndGet();
                    everOpen.incrementAndGet();
                    counted = true;
                    while (!stopping) {
                        if (in.available() > 0) {
                            byte[] status = in.readNBytes(12);
                            answers.merge(new String(status, StandardCharsets.US_ASCII).substring(9), 1,
                                    Integer::sum);
                            break;
                        }
                        out.write('A');
                        out.flush();
                        Thread.sleep(trickleMs);
                    }
                } catch (IOException e) {
                    if (counted) {
                        closedSilently.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    return;
                } finally {
                    if (counted) {
                        open.decrementAndGet();
                        if (!stopping) {
                            lifetimes.add((System.nanoTime() - opened) / 1e6);
                        }
                    }
                }
            }
        }
    }
}
