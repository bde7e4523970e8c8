package sgwarden.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sgwarden.testing.LakeStandIn;
import sgwarden.testing.SlackStandIn;

/**
 * Issues 5 and 11: with the JVM options of the Dockerfile's ENTRYPOINT, time from launching java -jar to the first 200 from /q/health/live and from
 * /q/health/ready, and the resident memory (VmRSS in /proc/<pid>/status) once the service has sat
 * idle, and how long a graceful stop takes, over several cold starts with each intake: SQS (the default; long-polling an empty queue in
 * moto) and Lake (the stand-in, first query 15 s after start).
 */
final class StartupBench {

    private StartupBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        Map<String, Integer> runsPer = Map.of("sqs", Bench.intProp("bench.startup.sqs-runs", 2),
                "lake", Bench.intProp("bench.startup.lake-runs", 3));
        int idle = Bench.intProp("bench.startup.idle-seconds", 5);
        SlackStandIn slack = new SlackStandIn();
        LakeStandIn lake = new LakeStandIn();
        try (MotoServer moto = MotoServer.start(repo, logs)) {
            moto.createTable();
            String queueUrl = moto.createQueue();
            for (String intake : List.of("sqs", "lake")) {
                Map<String, String> settings = new LinkedHashMap<>(Service.base(moto, slack));
                settings.put("sgwarden.intake", intake);
                settings.put("sgwarden.sqs.queue-url", queueUrl);
                settings.put("sgwarden.lake.endpoint-override", lake.endpoint());
                settings.put("sgwarden.lake.event-data-store", lake.eventDataStore());
                List<Double> live = new ArrayList<>();
                List<Double> ready = new ArrayList<>();
                List<Double> quarkus = new ArrayList<>();
                List<Double> rss = new ArrayList<>();
                List<Double> stops = new ArrayList<>();
                List<Double> cpu = new ArrayList<>();
                int runs = runsPer.get(intake);
                for (int i = 1; i <= runs; i++) {
                    try (Service service = Service.start(repo, logs, "service-startup-" + intake + "-" + i, settings,
                            Service.secrets(slack), false)) {
                        Duration l = service.awaitHealth("/q/health/live", Duration.ofSeconds(60));
                        Duration r = service.awaitReady(Duration.ofSeconds(60));
                        long cpuReady = service.cpuMillis();
                        long rssReady = service.rssKb();
                        Thread.sleep(idle * 1000L);
                        long rssIdle = service.rssKb();
                        Double q = service.quarkusStartedSeconds();
                        if (java.nio.file.Files.readString(service.log).contains("[cds")) {
                            Bench.note("warning: the JVM could not use the class-data archive (see " + service.log
                                    + "); this start ran without it");
                        }
                        long stopStart = System.nanoTime();
                        service.close();
                        double stop = (System.nanoTime() - stopStart) / 1e6;
                        stops.add(stop);
                        cpu.add((double) cpuReady);
                        live.add(l.toNanos() / 1e6);
                        ready.add(r.toNanos() / 1e6);
                        rss.add(rssIdle / 1024.0);
                        if (q != null) {
                            quarkus.add(q * 1000);
                        }
                        Bench.note(String.format(Locale.ROOT,
                                "%s intake, run %d: live after %.0f ms, ready after %.0f ms (Quarkus: started in %s s; CPU used by ready %d ms);"
                                        + " RSS %s at ready, %s after %d s idle; SIGTERM to exit %.1f s",
                                intake, i, l.toNanos() / 1e6, r.toNanos() / 1e6, q, cpuReady, Bench.mib(rssReady),
                                Bench.mib(rssIdle), idle, stop / 1000));
                    }
                }
                Stats l = new Stats(live);
                Stats r = new Stats(ready);
                Stats m = new Stats(rss);
                Bench.figure("startup.ready." + intake, String.format(Locale.ROOT,
                        "median %.0f ms (min %.0f, max %.0f; %d starts) from launching java -jar to the first 200 from"
                                + " /q/health/ready; live after %.0f ms; Quarkus's own 'started in' %.0f ms",
                        r.pct(50), r.ms[0], r.max(), r.count(), l.pct(50), new Stats(quarkus).pct(50)));
                Bench.figure("startup.cpu." + intake, String.format(Locale.ROOT,
                        "median %.0f ms of CPU (user + system, all threads) used by the time /q/health/ready first answered 200",
                        new Stats(cpu).pct(50)));
                Bench.figure("rss.idle." + intake, String.format(Locale.ROOT,
                        "median %.0f MiB (max %.0f MiB; VmRSS %d s after ready)", m.pct(50), m.max(), idle));
                Bench.note(String.format(Locale.ROOT, "%s intake: graceful stop (SIGTERM to exit) median %.1f s",
                        intake, new Stats(stops).pct(50) / 1000));
            }
        } finally {
            slack.stop();
            lake.stop();
        }
    }
}
