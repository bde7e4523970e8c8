package sgwarden.lake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.cloudtrail.model.QueryStatus;

import sgwarden.config.Settings;

/**
 * Runs one CloudTrail Lake query for the security group events of the look-back window and hands
 * back the records (the eventJson column) one by one, reading further pages only as they are
 * consumed, so a large result never sits in memory whole.
 */
@ApplicationScoped
@Named("lakeQuery")
public class LakeQuery {

    private static final Logger LOG = Logger.getLogger(LakeQuery.class);
    private static final DateTimeFormatter LAKE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    @Inject
    Settings settings;
    @Inject
    CloudTrailClient lake;
    @Inject
    MeterRegistry meters;

    @Inject
    Clock clock;

    /**
     * Every event the Lake intake looks for is an EC2 call; sgwarden's own plumbing (EventBridge, IAM)
     * reaches it through EventBridge only. The source bounds the scan and keeps out another service's
     * event that shares a name.
     */
    static final String EVENT_SOURCE = "ec2.amazonaws.com";

    /** The SQL for the window ending now. Only validated (at start) or computed values go into it. */
    public String statement(Instant now) {
        Settings.Lake config = settings.lake();
        String names = config.eventNames().stream().map(String::trim).map(n -> "'" + n + "'")
                .collect(Collectors.joining(", "));
        return "SELECT eventJson FROM " + dataStoreId()
                + " WHERE eventSource = '" + EVENT_SOURCE + "'"
                + " AND eventName IN (" + names + ")"
                + " AND eventTime >= '" + LAKE_TIME.format(now.minus(config.lookback())) + "'"
                + " AND eventTime <= '" + LAKE_TIME.format(now) + "'"
                + " ORDER BY eventTime ASC";
    }

    /** Starts the query, waits for it to finish and returns its records as they are read. */
    public Iterator<String> run() {
        String store = dataStoreId();
        Timer.Sample sample = Timer.start(meters);
        String queryId = lake.startQuery(b -> b.queryStatement(statement(clock.instant()))).queryId();
        GetQueryResultsResponse first = awaitFinished(lake, store, queryId);
        sample.stop(meters.timer("sgwarden.lake.query.duration"));
        if (first.queryStatistics() != null && first.queryStatistics().bytesScanned() != null) {
            meters.counter("sgwarden.lake.bytes.scanned").increment(first.queryStatistics().bytesScanned());
        }
        meters.counter("sgwarden.lake.queries", "status", "FINISHED").increment();
        LOG.debugf("Lake query %s finished", queryId);
        return new Pages(lake, store, queryId, first);
    }

    private GetQueryResultsResponse awaitFinished(CloudTrailClient lake, String store, String queryId) {
        Duration maxWait = settings.lake().maxWait();
        Instant deadline = clock.instant().plus(maxWait);
        while (true) {
            GetQueryResultsResponse page = lake.getQueryResults(b -> b.eventDataStore(store).queryId(queryId)
                    .maxQueryResults(settings.lake().pageSize()));
            QueryStatus status = page.queryStatus();
            if (status == QueryStatus.FINISHED) {
                return page;
            }
            if (status == QueryStatus.FAILED || status == QueryStatus.CANCELLED || status == QueryStatus.TIMED_OUT) {
                throw failed(status.toString(), "Lake query " + queryId + " ended " + status + ": "
                        + page.errorMessage());
            }
            if (!clock.instant().isBefore(deadline)) {
                try {
                    lake.cancelQuery(b -> b.eventDataStore(store).queryId(queryId));
                } catch (RuntimeException e) {
                    LOG.debugf("cancelling Lake query %s: %s", queryId, e.getMessage());
                }
                throw failed("WAIT_EXCEEDED", "Lake query " + queryId + " still " + status + " after " + maxWait);
            }
            try {
                Thread.sleep(settings.lake().pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed("INTERRUPTED", "interrupted waiting for Lake query " + queryId);
            }
        }
    }

    private LakeQueryFailedException failed(String status, String message) {
        meters.counter("sgwarden.lake.queries", "status", status).increment();
        return new LakeQueryFailedException(message + "; it is run again on the next tick");
    }

    private String dataStoreId() {
        return settings.lake().eventDataStoreId()
                .orElseThrow(() -> new IllegalStateException("sgwarden.lake.event-data-store is not set"));
    }

    /** Walks the result pages through NextToken, fetching the next only when the current is used up. */
    private final class Pages implements Iterator<String> {
        private final CloudTrailClient lake;
        private final String store;
        private final String queryId;
        private final Deque<String> rows = new ArrayDeque<>();
        private String nextToken;

        Pages(CloudTrailClient lake, String store, String queryId, GetQueryResultsResponse first) {
            this.lake = lake;
            this.store = store;
            this.queryId = queryId;
            take(first);
        }

        private void take(GetQueryResultsResponse page) {
            for (List<Map<String, String>> row : page.queryResultRows()) {
                for (Map<String, String> column : row) {
                    column.forEach((name, value) -> {
                        // whether Lake echoes the column as written or lower-cased is not documented
                        if ("eventjson".equalsIgnoreCase(name) && value != null) {
                            rows.add(value);
                        }
                    });
                }
            }
            nextToken = page.nextToken();
        }

        @Override
        public boolean hasNext() {
            while (rows.isEmpty() && nextToken != null && !nextToken.isEmpty()) {
                String token = nextToken;
                take(lake.getQueryResults(b -> b.eventDataStore(store).queryId(queryId).nextToken(token)
                        .maxQueryResults(settings.lake().pageSize())));
            }
            return !rows.isEmpty();
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return rows.poll();
        }
    }
}
