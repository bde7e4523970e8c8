package sgwarden.names;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/** The executor and cache shape the name lookups share. */
final class Lookups {

    /** An answer of "unknown" (a failed or refused lookup) is asked again after this long, not after the full TTL. */
    static final Duration RETRY_UNKNOWN = Duration.ofMinutes(1);

    private Lookups() {
    }

    /** A few daemon threads: lookups are I/O, and a stuck one must never keep the JVM alive. */
    static ExecutorService executor(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Known answers kept for ttl, unknown ones for at most {@link #RETRY_UNKNOWN}, timed on the service's
     * clock (the tests move it rather than wait out a TTL).
     */
    static <K, V> Caffeine<K, Optional<V>> cache(Duration ttl, long size, ExecutorService executor, Clock clock) {
        long known = ttl.toNanos();
        long unknown = Math.min(known, RETRY_UNKNOWN.toNanos());
        return Caffeine.newBuilder().maximumSize(size).executor(executor)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new Expiry<K, Optional<V>>() {
                    @Override
                    public long expireAfterCreate(K key, Optional<V> value, long now) {
                        return value.isPresent() ? known : unknown;
                    }

                    @Override
                    public long expireAfterUpdate(K key, Optional<V> value, long now, long current) {
                        return expireAfterCreate(key, value, now);
                    }

                    @Override
                    public long expireAfterRead(K key, Optional<V> value, long now, long current) {
                        return current;
                    }
                });
    }
}
