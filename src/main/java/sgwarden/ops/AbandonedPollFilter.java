package sgwarden.ops;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * A graceful stop abandons the SQS long poll in progress (the shutdown timeout interrupts it), and
 * camel-aws2-sqs logs that at ERROR with a stack trace. Nothing is lost by it: a message the poll
 * might have returned stays on the queue. Only that one record is dropped; every other polling
 * error is still logged.
 */
@LoggingFilter(name = "abandoned-sqs-poll")
public final class AbandonedPollFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!"org.apache.camel.component.aws2.sqs.Sqs2Consumer".equals(record.getLoggerName())) {
            return true;
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            if (t instanceof software.amazon.awssdk.core.exception.AbortedException) {
                return false;
            }
        }
        return true;
    }
}
