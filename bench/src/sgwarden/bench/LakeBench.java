package sgwarden.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sgwarden.testing.LakeStandIn;
import sgwarden.testing.SlackStandIn;

/**
 * Issue 2: one Lake query whose result holds N (default 10,000) security group events, taken
 * through split, parse, idempotent filter (DynamoDB in moto), store and Slack post (the stand-in
 * answers at once). Measures changes per second and the service's peak heap during the run.
 */
final class LakeBench {

    private LakeBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        int events = Bench.intProp("bench.lake.events", 10_000);
        int window = Bench.intProp("bench.lake.seconds", 150);
        SlackStandIn slack = new SlackStandIn();
        LakeStandIn lake = new LakeStandIn();
        try (MotoServer moto = MotoServer.start(repo, logs)) {
            moto.createTable();
            lake.pageSize(1000);
            Instant now = Instant.now();
            Set<String> seeded = new HashSet<>();
            for (int i = 0; i < events; i++) {
                // spread over the ten minutes before now, inside the default 20-minute look-back
                Seed.Event e = Seed.event(i, now.minusSeconds(600).plusMillis(i * (540_000L / events)));
                lake.seed(e.json());
                seeded.add(e.eventId());
            }
            Bench.note(events + " events seeded in the Lake stand-in (one query result, pages of 1000)");

            Map<String, String> settings = new LinkedHashMap<>(Service.base(moto, slack));
            settings.put("sgwarden.intake", "lake");
            settings.put("sgwarden.lake.endpoint-override", lake.endpoint());
            settings.put("sgwarden.lake.event-data-store", lake.eventDataStore());
            settings.put("sgwarden.lake.period", "1h");
            // the look-back must cover the period (checked at start)
            settings.put("sgwarden.lake.lookback", "1h");
            settings.put("sgwarden.lake.initial-delay", "2s");
            settings.put("sgwarden.lake.poll-interval", "100ms");
            try (Service service = Service.start(repo, logs, "service-lake", settings, Service.secrets(slack), true)) {
                service.awaitReady(Duration.ofSeconds(60));
                long startWait = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (lake.statements().isEmpty() && System.nanoTime() < startWait) {
                    Thread.sleep(5);
                }
                Instant queryStarted = Instant.now();
                long deadline = System.nanoTime() + Duration.ofSeconds(window).toNanos();
                long serviceCpu0 = Bench.cpuMillis(service.process.pid());
                long motoCpu0 = Bench.cpuMillis(moto.pid());
                AtomicLong rssPeak = new AtomicLong();
                int seen = 0;
                long lastProgress = System.nanoTime();
                while (System.nanoTime() < deadline) {
                    rssPeak.accumulateAndGet(service.rssKb(), Math::max);
                    int n = slack.messages().size();
                    if (n >= events) {
                        break;
                    }
                    if (n != seen) {
                        seen = n;
                        lastProgress = System.nanoTime();
                    } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(30).toNanos()) {
                        break;
                    }
                    Thread.sleep(100);
                }
                long serviceCpu = Bench.cpuMillis(service.process.pid()) - serviceCpu0;
                long motoCpu = Bench.cpuMillis(moto.pid()) - motoCpu0;
                Instant windowEnd = Instant.now();
                long heapAtEnd = service.heapUsedNowKb();
                rssPeak.accumulateAndGet(service.rssKb(), Math::max);
                List<SlackStandIn.Received> messages = slack.messages();
                Set<String> announced = new HashSet<>();
                int duplicates = 0;
                for (SlackStandIn.Received m : messages) {
                    if (!announced.add(Seed.announcedChange(m.json()))) {
                        duplicates++;
                    }
                }
                announced.retainAll(seeded);
                // a run cut short by the window is still going: no point waiting for Camel's graceful shutdown
                service.close(Duration.ofSeconds(5));
                long pending = moto.countStatus("PENDING");

                if (messages.isEmpty()) {
                    throw new IllegalStateException("nothing was announced; service log tail:\n" + service.tail(40));
                }
                Instant first = messages.get(0).at();
                Instant last = messages.get(messages.size() - 1).at();
                double steady = (messages.size() - 1) / seconds(first, last);
                double withQuery = messages.size() / seconds(queryStarted, last);
                Bench.note(String.format(Locale.ROOT,
                        "announced %d of the %d-event query result within the %d s window (%d duplicate posts);"
                                + " %d stored PENDING in DynamoDB after stopping",
                        announced.size(), events, window, duplicates, pending));
                Bench.note(String.format(Locale.ROOT, "StartQuery -> first post %.2f s, first -> last post %.2f s",
                        seconds(queryStarted, first), seconds(first, last)));
                double wall = seconds(queryStarted, windowEnd);
                Bench.note(String.format(Locale.ROOT,
                        "CPU per announced change: service %.1f ms, moto %.1f ms (moto busy %.0f%% of the window;"
                                + " its DynamoDB is serialised, one request at a time)",
                        serviceCpu / (double) messages.size(), motoCpu / (double) messages.size(),
                        100.0 * motoCpu / 1000.0 / wall));
                if (announced.size() != messages.size() || duplicates != 0 || pending < announced.size()) {
                    Bench.note("WARNING: not every change went through exactly once; the figures below are not valid");
                }
                Bench.figure("lake.throughput", String.format(Locale.ROOT,
                        "%.1f changes/s (first to last Slack post; %d of the %d-event result announced in the %d s"
                                + " window%s); %.1f changes/s counting the query wait",
                        steady, messages.size(), events, window, messages.size() >= events ? ", all of it" : "",
                        withQuery));
                Gc gc = Gc.parse(service.gcLog);
                Bench.figure("lake.peak-heap", String.format(Locale.ROOT,
                        "%s used at most (largest heap occupancy before a GC pause, -Xlog:gc, or at the end by jcmd"
                                + " GC.heap_info: %s); %s at most after a GC; %s committed at most; %d GC pauses;"
                                + " max heap %s (JVM default)",
                        Bench.mib(Math.max(gc.maxBeforeKb, heapAtEnd)), Bench.mib(heapAtEnd), Bench.mib(gc.maxAfterKb),
                        Bench.mib(gc.maxCommittedKb), gc.pauses, gc.maxHeap));
                Bench.figure("lake.peak-rss", Bench.mib(rssPeak.get()) + " (VmRSS sampled every 100 ms)");
            }
        } finally {
            slack.stop();
            lake.stop();
        }
    }

    static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    /** What -Xlog:gc,gc+init wrote: "GC(3) Pause Young (Normal) (G1 Evacuation Pause) 25M->5M(256M) 3.456ms". */
    record Gc(long maxBeforeKb, long maxAfterKb, long maxCommittedKb, int pauses, String maxHeap) {
        private static final Pattern PAUSE = Pattern.compile("Pause.* (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
        private static final Pattern MAX = Pattern.compile("Heap Max Capacity: (\\S+)");

        static Gc parse(Path log) throws java.io.IOException {
            long before = 0, after = 0, committed = 0;
            int pauses = 0;
            String max = "?";
            for (String line : Files.readAllLines(log)) {
                Matcher m = PAUSE.matcher(line);
                if (m.find()) {
                    pauses++;
                    before = Math.max(before, kb(m.group(1), m.group(2)));
                    after = Math.max(after, kb(m.group(3), m.group(4)));
                    committed = Math.max(committed, kb(m.group(5), m.group(6)));
                }
                Matcher x = MAX.matcher(line);
                if (x.find()) {
                    max = x.group(1);
                }
            }
            return new Gc(before, after, committed, pauses, max);
        }

        private static long kb(String n, String unit) {
            long v = Long.parseLong(n);
            return switch (unit) {
                case "G" -> v * 1024 * 1024;
                case "M" -> v * 1024;
                default -> v;
            };
        }
    }
}
