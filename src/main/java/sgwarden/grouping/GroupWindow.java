package sgwarden.grouping;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import sgwarden.config.Settings;

/**
 * The aggregator's two halves for a group's window. The strategy collects the announcements of one
 * principal in one account into a list and remembers when the first arrived; the timeout counts
 * from that first change, not from the latest, so a steady stream of changes is still announced
 * once the window has passed (or once the group reaches its size limit).
 */
@ApplicationScoped
@Named("groupWindow")
public class GroupWindow implements AggregationStrategy {

    /** When the group's first change arrived (epoch millis), on the group and on each change joining it. */
    public static final String OPENED_AT = "sgwardenGroupOpenedAt";

    @Inject
    Settings settings;

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange group, Exchange joining) {
        Announcement next = joining.getMessage().getBody(Announcement.class);
        if (group == null) {
            List<Announcement> members = new ArrayList<>();
            members.add(next);
            joining.getMessage().setBody(members);
            joining.setProperty(OPENED_AT, System.currentTimeMillis());
            return joining;
        }
        group.getMessage().getBody(List.class).add(next);
        // the timeout is worked out on the change that just joined: it learns when the group opened
        joining.setProperty(OPENED_AT, group.getProperty(OPENED_AT));
        return group;
    }

    /** Milliseconds left of the window of the group the exchange joined (at least 1). */
    public long remaining(Exchange joining) {
        Long opened = joining.getProperty(OPENED_AT, Long.class);
        long window = settings.group().window().toMillis();
        long left = opened == null ? window : window - (System.currentTimeMillis() - opened);
        return Math.max(1, left);
    }
}
