package sgwarden.grouping;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.AggregateProcessor;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.spi.AggregationRepository;

import sgwarden.change.Keys;
import sgwarden.config.Settings;
import sgwarden.slack.Announcement;

/**
 * When a group of announcements (one principal's changes in one account) closes. The aggregator
 * collects a group's announcements into a list; the group closes once no change joined it for
 * {@code sgwarden.group.quiet}, or once {@code sgwarden.group.window} has passed since its first
 * change, whichever comes first (or at the size limit, which the aggregator counts itself). So an
 * apply with short pauses is one message, and a steady trickle is still announced in time.
 *
 * <p>Camel's own completion timeout runs on the system time; these times are read from the
 * injected clock instead, and the {@code group-close} timer route closes what is due, so that a
 * test closes a group by moving the clock rather than by waiting for it.
 */
@ApplicationScoped
@Named("groupWindow")
public class GroupWindow implements AggregationStrategy {

    /** The node ID of the aggregator that holds the open groups. */
    public static final String AGGREGATOR = "group-aggregator";

    @Inject
    Settings settings;

    @Inject
    Clock clock;

    @Inject
    CamelContext camelContext;

    private final MemoryAggregationRepository open = new MemoryAggregationRepository();

    /** Where the aggregator keeps the open groups; read here to find the ones that are due. */
    public AggregationRepository repository() {
        return open;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange group, Exchange joining) {
        Announcement next = joining.getMessage().getBody(Announcement.class);
        long now = clock.millis();
        if (group == null) {
            List<Announcement> members = new ArrayList<>();
            members.add(next);
            joining.getMessage().setBody(members);
            joining.setProperty(Keys.GROUP_FIRST_AT, now);
            joining.setProperty(Keys.GROUP_LAST_AT, now);
            return joining;
        }
        group.getMessage().getBody(List.class).add(next);
        group.setProperty(Keys.GROUP_LAST_AT, now);
        return group;
    }

    /** The keys of the open groups whose quiet gap or window has passed. */
    public List<String> due() {
        long now = clock.millis();
        List<String> keys = new ArrayList<>();
        for (String key : open.getKeys()) {
            if (closes(open.get(camelContext, key), now)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Closes the group if it is still due (a change may have joined it since it was found due). */
    public void close(String key) {
        if (closes(open.get(camelContext, key), clock.millis())) {
            camelContext.getProcessor(AGGREGATOR, AggregateProcessor.class).forceCompletionOfGroup(key);
        }
    }

    /** Whether this change waits in an open group now. */
    @SuppressWarnings("unchecked")
    public boolean holds(String eventId) {
        for (String key : open.getKeys()) {
            Exchange group = open.get(camelContext, key);
            if (group != null && ((List<Announcement>) group.getMessage().getBody(List.class)).stream()
                    .anyMatch(a -> eventId.equals(a.change().eventId()))) {
                return true;
            }
        }
        return false;
    }

    /** How many announcements wait in open groups. */
    public int waiting() {
        int n = 0;
        for (String key : open.getKeys()) {
            Exchange group = open.get(camelContext, key);
            n += group == null ? 0 : group.getMessage().getBody(List.class).size();
        }
        return n;
    }

    private boolean closes(Exchange group, long now) {
        if (group == null) {
            return false;
        }
        long first = group.getProperty(Keys.GROUP_FIRST_AT, Long.class);
        long last = group.getProperty(Keys.GROUP_LAST_AT, Long.class);
        return now - last >= settings.group().quiet().toMillis() || now - first >= settings.group().window().toMillis();
    }
}
