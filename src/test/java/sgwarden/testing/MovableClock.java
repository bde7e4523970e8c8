package sgwarden.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The service's clock in every Quarkus test (it replaces the default producer, sgwarden.config.Clocks):
 * the system time, moved on by what the tests added. A test moves it instead of waiting out a window
 * or a heartbeat's silence.
 */
@Alternative
@Priority(1)
@Singleton
public class MovableClock extends Clock {

    /**
     * How far the tests moved the service's time on; shared with the helpers that stamp what the
     * service compares with its time (a click's signed timestamp), and back to 0 at each start.
     */
    private static final AtomicLong ahead = new AtomicLong();

    public MovableClock() {
        ahead.set(0);
    }

    /** The service's time now, for a test helper that must agree with it (Slack's request timestamp). */
    public static Instant now() {
        return Instant.ofEpochMilli(System.currentTimeMillis() + ahead.get());
    }

    /** Moves the service's time on. */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time only moves on: " + by);
        }
        ahead.addAndGet(by.toMillis());
    }

    /**
     * Back to the system time, for a test that moved the clock far (hours) and must not leave it so
     * for the classes after it. Only where nothing open (a grouping window) was timed on it.
     */
    public void reset() {
        ahead.set(0);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), Duration.ofMillis(ahead.get()));
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + ahead.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
