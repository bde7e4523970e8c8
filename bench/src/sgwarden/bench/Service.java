package sgwarden.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real packaged service, started as an operator would: java -jar target/quarkus-app/quarkus-run.jar,
 * with settings as -D system properties and the secrets in the environment.
 */
final class Service implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    final Process process;
    final int port;
    /** The management interface: metrics and the detailed health checks. */
    final int managementPort;
    final Path log;
    final Path gcLog;
    final long launchedNanos;

    private Service(Process process, int port, int managementPort, Path log, Path gcLog, long launchedNanos) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
        this.gcLog = gcLog;
        this.launchedNanos = launchedNanos;
    }

    static final String ACCESS_KEY_ID = "AKIABENCH00000000000";

    /** Settings every benchmark shares: moto for AWS, the Slack stand-in for Slack. */
    static Map<String, String> base(MotoServer moto, sgwarden.testing.SlackStandIn slack) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sgwarden.aws.endpoint-override", moto.endpoint());
        p.put("sgwarden.aws.region", "us-east-1");
        p.put("sgwarden.table", MotoServer.TABLE);
        p.put("sgwarden.slack.server-url", slack.baseUrl());
        p.put("sgwarden.slack.response-url-prefix", slack.responseUrlPrefix());
        // these benchmarks measure the pipeline against a Slack that takes everything at once; the pacing
        // to Slack's real limit is what the burst benchmark measures (it sets the defaults back)
        p.put("sgwarden.slack.rate", "100");
        p.put("sgwarden.slack.burst", "100");
        // the service refuses to start without an allow list; the benchmarks click as U0BENCH
        p.put("sgwarden.slack.allowed-users", "U0BENCH");
        // each change alone, unless a benchmark measures grouping
        p.put("sgwarden.group.window", "0s");
        // moto accepts any key; the service acts as moto's default account. The Lake stand-in, as AWS, refuses
        // a Signature Version 4 whose key ID is not 16 or more capital letters and digits
        p.put("aws.accessKeyId", ACCESS_KEY_ID);
        p.put("aws.secretAccessKey", "test");
        return p;
    }

    /**
     * base, with the Lake intake on this stand-in querying once an hour after initialDelay: the benchmark
     * seeds what the service reads, and the look-back covers the period (checked at start).
     */
    static Map<String, String> lakeOnce(MotoServer moto, sgwarden.testing.SlackStandIn slack,
            sgwarden.testing.LakeStandIn lake, String initialDelay) {
        Map<String, String> p = base(moto, slack);
        p.put("sgwarden.intake", "lake");
        p.put("sgwarden.lake.endpoint-override", lake.endpoint());
        p.put("sgwarden.lake.event-data-store", lake.eventDataStore());
        p.put("sgwarden.lake.period", "1h");
        p.put("sgwarden.lake.lookback", "1h");
        p.put("sgwarden.lake.initial-delay", initialDelay);
        p.put("sgwarden.lake.poll-interval", "100ms");
        return p;
    }

    /** Until Slack has the service's first message (the seeded change announced), within a minute. */
    void awaitFirstMessage(sgwarden.testing.SlackStandIn slack) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (slack.messages().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (slack.messages().isEmpty()) {
            throw new IllegalStateException("the template change was not announced; service log tail:\n" + tail(40));
        }
    }

    static Map<String, String> secrets(sgwarden.testing.SlackStandIn slack) {
        return Map.of("SGWARDEN_SLACK_WEBHOOK_URL", slack.webhookUrl(),
                "SGWARDEN_SLACK_SIGNING_SECRET", Bench.SIGNING_SECRET);
    }

    static Service start(Path repo, Path logDir, String name, Map<String, String> settings, Map<String, String> env,
            boolean gcLogging) throws IOException {
        int port = MotoServer.freePort();
        int managementPort = MotoServer.freePort();
        Path log = logDir.resolve(name + ".log");
        Path gc = gcLogging ? logDir.resolve(name + "-gc.log") : null;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String extra = System.getenv().getOrDefault("BENCH_SERVICE_JAVA_OPTS", "").trim();
        cmd.addAll(extra.isEmpty() ? dockerfileOptions(repo) : List.of(extra.split("\\s+")));
        if (gc != null) {
            cmd.add("-Xlog:gc,gc+init:file=" + gc + ":uptime,level,tags");
        }
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.management.port=" + managementPort);
        settings.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(repo.resolve("target/quarkus-app/quarkus-run.jar").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(logDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SGWARDEN_") || k.startsWith("AWS_") || k.equals("PORT"));
        pb.environment().put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().putAll(env);
        long launched = System.nanoTime();
        Process p = Children.start(pb, "service");
        return new Service(p, port, managementPort, log, gc, launched);
    }

    /**
     * The JVM options of the Dockerfile's ENTRYPOINT (everything between "java" and "-jar"), with
     * /deployments/ pointing at target/quarkus-app/, so the benchmarks run the service as the image does.
     */
    static List<String> dockerfileOptions(Path repo) throws IOException {
        String dockerfile = Files.readString(repo.resolve("Dockerfile"));
        Matcher m = Pattern.compile("(?m)^ENTRYPOINT\\s*\\[(.*)\\]\\s*$").matcher(dockerfile);
        if (!m.find()) {
            throw new IllegalStateException("no ENTRYPOINT [...] line in the Dockerfile");
        }
        List<String> words = new ArrayList<>();
        Matcher w = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (w.find()) {
            words.add(w.group(1));
        }
        int jar = words.indexOf("-jar");
        if (words.isEmpty() || !words.get(0).equals("java") || jar < 0) {
            throw new IllegalStateException("the ENTRYPOINT is not java <options> -jar <jar>: " + words);
        }
        String app = repo.resolve("target/quarkus-app").toAbsolutePath() + "/";
        return words.subList(1, jar).stream().map(o -> o.replace("/deployments/", app)).toList();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** Polls /q/health/ready (management port) every 10 ms; returns the time from launch to the first 200. */
    Duration awaitReady(Duration max) throws InterruptedException {
        return awaitHealth("/q/health/ready", max);
    }

    /** Polls a health endpoint of the management port every 10 ms; returns the time from launch to the first 200. */
    Duration awaitHealth(String path, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + path)).timeout(Duration.ofSeconds(2))
                .build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the service exited during start; last lines of " + log + ":\n" + tail(40));
            }
            try {
                if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - launchedNanos);
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the service was not ready within " + max + "; last lines:\n" + tail(40));
    }

    /** "sgwarden 0.1.0-SNAPSHOT on JVM (powered by Quarkus x) started in 1.234s." */
    Double quarkusStartedSeconds() throws IOException {
        Matcher m = Pattern.compile("\\[io\\.quarkus\\].* started in ([0-9.]+)s").matcher(Files.readString(log));
        return m.find() ? Double.parseDouble(m.group(1)) : null;
    }

    /** VmRSS or VmHWM from /proc/<pid>/status, in KiB. */
    long procStatusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    long rssKb() {
        return procStatusKb("VmRSS");
    }

    /**
     * CPU time the service has used so far (user + system, all threads, from /proc/<pid>/stat), in
     * ms. Unlike the wall-clock start time it hardly moves with the load of a shared machine.
     */
    long cpuMillis() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ", field 3 is state; utime and stime are fields 14 and 15
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** jcmd GC.heap_info: the heap's used KiB now. */
    long heapUsedNowKb() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "GC.heap_info").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor();
            Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
            return m.find() ? Long.parseLong(m.group(2)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    int countLogLines(String contains) {
        try (var lines = Files.lines(log)) {
            return (int) lines.filter(l -> l.contains(contains)).count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** SIGTERM (graceful shutdown), then SIGKILL after the grace period. */
    void close(Duration grace) {
        Children.stop(process, grace);
    }
}
