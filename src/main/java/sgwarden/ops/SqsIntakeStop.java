package sgwarden.ops;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import sgwarden.config.Settings;

/**
 * At a graceful stop, stops the SQS intake first, on its own short timeout. Camel counts a consumer
 * in its long poll as work pending, so a stop would otherwise wait out the poll (up to 20 s). The
 * message being handled gets sgwarden.sqs.stop-timeout to finish; then the poll is abandoned, which
 * loses nothing: a message it would have returned, or one left unfinished, stays on the queue and
 * comes back. The other routes (a revert under way) then stop with Camel's usual timeout.
 */
@ApplicationScoped
public class SqsIntakeStop extends EventNotifierSupport {

    public static final String ROUTE = "sqs-intake";

    /** Set once the stop has begun: a poll failing from then on loses nothing (see AbandonedPollFilter). */
    private static volatile boolean stopping;

    @Inject
    Settings settings;

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent
                || event instanceof CamelEvent.CamelContextStartingEvent;
    }

    static boolean stopping() {
        return stopping;
    }

    @Override
    public void notify(CamelEvent event) throws Exception {
        stopping = event instanceof CamelEvent.CamelContextStoppingEvent;
        if (!stopping) {
            return;
        }
        CamelContext context = ((CamelEvent.CamelContextStoppingEvent) event).getContext();
        if (context.getRoute(ROUTE) != null && context.getRouteController().getRouteStatus(ROUTE).isStarted()) {
            // not aborted after the timeout: forced, so the long poll in progress is interrupted
            context.getRouteController().stopRoute(ROUTE, settings.sqs().stopTimeout(), TimeUnit.SECONDS, false);
        }
    }
}
