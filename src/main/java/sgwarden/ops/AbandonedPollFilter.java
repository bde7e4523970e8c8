package sgwarden.ops;

import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Operators alarm on ERROR, and a graceful stop is no error. camel-aws2-sqs logs a failed poll at
 * ERROR with a stack trace; once the stop has begun (SqsIntakeStop), nothing is lost by one: a
 * message the poll might have returned stays on the queue. The long poll the stop abandons
 * (AbortedException) is expected and dropped; any other failure from then on (the queue, or the
 * network, already gone: a sandbox stopping all at once) is kept at WARN. Before the stop every
 * polling error is logged as camel-aws2-sqs logs it.
 */
@LoggingFilter(name = "abandoned-sqs-poll")
public final class AbandonedPollFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!"org.apache.camel.component.aws2.sqs.Sqs2Consumer".equals(record.getLoggerName())
                || record.getLevel().intValue() <= Level.WARNING.intValue()) {
            return true;
        }
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            if (t instanceof software.amazon.awssdk.core.exception.AbortedException) {
                return false;
            }
        }
        if (SqsIntakeStop.stopping()) {
            record.setLevel(org.jboss.logmanager.Level.WARN);
        }
        return true;
    }
}
