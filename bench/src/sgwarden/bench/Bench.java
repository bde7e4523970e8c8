package sgwarden.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Entry point: java sgwarden.bench.Bench lake|approve|sqs|startup|burst|group|group-slow|stop|policy|policy-burst|expiry|slow-posts|all. Each benchmark starts its own
 * moto, stand-ins and packaged service, measures, prints its figures, and stops what it started.
 */
public final class Bench {

    /** The signing secret the service is given (through its environment) and the clicks are signed with. */
    static final String SIGNING_SECRET = "bench-signing-secret-0123456789abcdef";

    private static final List<String> FIGURES = new ArrayList<>();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "all" : args[0];
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path logs = repo.resolve("target/bench/logs/" + stamp + "-" + which);
        Files.createDirectories(logs);
        System.out.println("# sgwarden benchmarks: " + which + " (logs in " + repo.relativize(logs) + ")");
        System.out.println("# " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        List<String> runs = which.equals("all")
                ? List.of("lake", "approve", "sqs", "startup", "burst", "group", "group-slow", "stop", "policy",
                        "policy-burst",
                        "expiry", "slow-posts")
                : List.of(which);
        int failed = 0;
        for (String run : runs) {
            long start = System.nanoTime();
            System.out.println();
            System.out.println("## " + run);
            System.out.println("  load average before: " + loadavg());
            try {
                switch (run) {
                    case "lake" -> LakeBench.run(repo, logs);
                    case "approve" -> ApproveBench.run(repo, logs);
                    case "sqs" -> SqsBench.run(repo, logs);
                    case "startup" -> StartupBench.run(repo, logs);
                    case "burst" -> BurstBench.run(repo, logs);
                    case "group" -> GroupBench.run(repo, logs);
                    case "group-slow" -> GroupBench.run(repo, logs, "group-slow",
                            Bench.intProp("bench.group.over-seconds", 90));
                    case "stop" -> StopBench.run(repo, logs);
                    case "policy" -> PolicyBench.run(repo, logs);
                    case "policy-burst" -> PolicyBurstBench.run(repo, logs);
                    case "expiry" -> ExpiryBench.run(repo, logs);
                    case "slow-posts" -> SlowPostsBench.run(repo, logs);
                    default -> throw new IllegalArgumentException("unknown benchmark '" + run
                            + "': use lake, approve, sqs, startup, burst, group, group-slow, stop, policy, policy-burst, expiry, slow-posts or all");
                }
            } catch (Exception e) {
                failed++;
                System.out.println("FAILED: " + e);
                e.printStackTrace(System.out);
            } finally {
                Children.stopAll();
            }
            System.out.printf(Locale.ROOT, "  (%s took %.0f s; load average after: %s)%n", run,
                    (System.nanoTime() - start) / 1e9, loadavg());
        }
        System.out.println();
        System.out.println("## figures");
        FIGURES.forEach(System.out::println);
        Files.write(logs.resolve("figures.txt"), FIGURES);
        System.exit(failed == 0 ? 0 : 1);
    }

    /** A headline figure: printed as it is measured, and again in the closing summary. */
    static void figure(String name, String value) {
        String line = name + ": " + value;
        FIGURES.add(line);
        System.out.println("FIGURE " + line);
    }

    static void note(String text) {
        System.out.println("  " + text);
    }

    static String mib(long kib) {
        return String.format(Locale.ROOT, "%.0f MiB", kib / 1024.0);
    }

    /** User plus system CPU time a process has used so far (/proc/<pid>/stat), in milliseconds. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat, counted after the command name: utime and stime, in clock ticks (100 Hz)
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (Exception e) {
            return -1;
        }
    }

    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    static int intProp(String name, int otherwise) {
        return Integer.parseInt(System.getProperty(name, Integer.toString(otherwise)));
    }
}
