package sgwarden.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Every process a benchmark starts (moto, the service) is kept here, written to a pid file that
 * run.sh reads if the harness itself dies, and stopped by its own id when the benchmark ends.
 */
final class Children {

    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Children::stopAll, "stop-children"));
    }

    private Children() {
    }

    static Process start(ProcessBuilder builder, String kind) throws IOException {
        Process p = builder.start();
        STARTED.add(p);
        String pids = System.getProperty("bench.pids");
        if (pids != null) {
            Files.writeString(Path.of(pids), p.pid() + " " + kind + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return p;
    }

    /** SIGTERM, then SIGKILL if it has not gone within the grace period. */
    static void stop(Process p, Duration grace) {
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        STARTED.remove(p);
    }

    static void stopAll() {
        for (Process p : List.copyOf(STARTED)) {
            stop(p, Duration.ofSeconds(20));
        }
    }
}
