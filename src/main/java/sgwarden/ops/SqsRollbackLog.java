package sgwarden.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.jboss.logging.Logger;

import sgwarden.store.ClaimHeldException;

/**
 * How the SQS consumer reports a message it leaves on the queue. A change whose claim is held by
 * another run is a normal wait, already logged once by the route at INFO: it gets no WARN and no
 * stack trace here. Anything else is logged at WARN, as Camel's default handler does.
 */
@ApplicationScoped
@Named("sqsRollbackLog")
public class SqsRollbackLog implements ExceptionHandler {

    private static final Logger LOG = Logger.getLogger("routes.detection");

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (exception instanceof ClaimHeldException) {
            LOG.debugf("SQS message left on the queue: %s", exception.getMessage());
            return;
        }
        String id = exchange == null ? "" : " " + exchange.getIn().getHeader("CamelAwsSqsMessageId", "", String.class);
        LOG.warnf(exception, "SQS message%s: %s", id, message == null ? "error" : message);
    }
}
