package sgwarden.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import sgwarden.plumbing.Heartbeat;

/**
 * sgwarden_heartbeat_silence_seconds{account, region}: seconds since this replica last knew of a
 * heartbeat from there (from one it read, or from the table when it posted the silence). Each
 * replica sees only the heartbeats it reads, so across replicas the smallest value is the truth.
 */
@ApplicationScoped
@Named("heartbeatGauges")
public class HeartbeatGauges {

    @Inject
    MeterRegistry registry;
    @Inject
    Clock clock;

    private final Map<String, Instant> lastHeard = new ConcurrentHashMap<>();

    public void heard(@Body Heartbeat heartbeat) {
        known(heartbeat.account(), heartbeat.region(), heartbeat.time());
    }

    /** What the table said when a silence was claimed: a replica that never read one of its heartbeats shows it too. */
    public void known(String account, String region, Instant at) {
        if (at == null) {
            return;
        }
        String key = account + "|" + region;
        Instant before = lastHeard.putIfAbsent(key, at);
        if (before == null) {
            Gauge.builder("sgwarden.heartbeat.silence.seconds", () -> secondsSince(key))
                    .description("Seconds since a member account's heartbeat from this region was last heard")
                    .tags("account", account, "region", region).baseUnit("seconds").register(registry);
        } else {
            lastHeard.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    private double secondsSince(String key) {
        Instant at = lastHeard.get(key);
        return at == null ? 0 : Math.max(0, clock.instant().getEpochSecond() - at.getEpochSecond());
    }
}
