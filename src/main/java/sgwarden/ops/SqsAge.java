package sgwarden.ops;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Header;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** Keeps a gauge of how old the SQS messages being handled are: a growing age means a backlog. */
@ApplicationScoped
@Named("sqsAge")
public class SqsAge {

    @Inject
    MeterRegistry registry;

    @Inject
    Clock clock;
    private final AtomicLong ageMillis = new AtomicLong();

    @PostConstruct
    void register() {
        // held strongly: Micrometer keeps a gauge's state weakly, and a gauge whose state was collected is
        // no longer served
        Gauge.builder("sgwarden.sqs.message.age.seconds", ageMillis, a -> a.get() / 1000.0).strongReference(true)
                .register(registry);
    }

    public void record(@Header("CamelAwsSqsAttributes") Map<?, ?> attributes) {
        if (attributes == null) {
            return;
        }
        Object sent = attributes.entrySet().stream().filter(e -> String.valueOf(e.getKey()).equals("SentTimestamp"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        if (sent != null) {
            try {
                ageMillis.set(Math.max(0, clock.millis() - Long.parseLong(sent.toString())));
            } catch (NumberFormatException e) {
                // an attribute we cannot read tells us nothing about the backlog
            }
        }
    }
}
