package sgwarden.ops;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import sgwarden.change.Keys;

/**
 * The state of one Lake run, shared by its split parts. Once a change could not be announced
 * (Slack or the ledger unavailable), the rest of the run is left for the next tick, so that no
 * later change is announced before an earlier one.
 */
@ApplicationScoped
@Named("detectionRun")
public class DetectionRun {

    public AtomicBoolean fresh() {
        return new AtomicBoolean();
    }

    public boolean halted(@ExchangeProperty(Keys.HALTED) AtomicBoolean halted) {
        return halted != null && halted.get();
    }

    /** No-op outside a Lake run (an SQS message has no run to halt). */
    public void halt(@ExchangeProperty(Keys.HALTED) AtomicBoolean halted) {
        if (halted != null) {
            halted.set(true);
        }
    }
}
