package sgwarden.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Latency summaries, by nearest rank over all samples (no histogram bucketing). */
final class Stats {

    final double[] ms;

    Stats(Collection<Double> samplesMs) {
        ms = samplesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    int count() {
        return ms.length;
    }

    double pct(double p) {
        if (ms.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * ms.length);
        return ms[Math.min(ms.length - 1, Math.max(0, rank - 1))];
    }

    double max() {
        return ms.length == 0 ? Double.NaN : ms[ms.length - 1];
    }

    double mean() {
        return Arrays.stream(ms).average().orElse(Double.NaN);
    }

    String line() {
        return String.format(Locale.ROOT, "n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms mean=%.1f ms",
                count(), pct(50), pct(90), pct(99), max(), mean());
    }
}
