package sgwarden.names;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;

import sgwarden.change.SecurityGroupChange;
import sgwarden.config.Settings;
import sgwarden.ops.Counters;

/**
 * The names a message about this change shows, as far as they are known within
 * sgwarden.names.max-wait (at most a second). Whatever is late or failed is left out, and the
 * message goes out with the IDs: a name never holds an announcement back.
 */
@ApplicationScoped
@Named("names")
public class NameLookup {

    @Inject
    Settings settings;
    @Inject
    GroupLookup groups;
    @Inject
    AccountNames accounts;
    @Inject
    Counters counters;

    /**
     * Starts the lookups as soon as a change is to be judged, without waiting: they run while the
     * policies decide, so that the wait of {@link #of} before an announcement is seldom needed.
     */
    public void prefetch(@Body SecurityGroupChange change) {
        if (change == null || change.accountId() == null) {
            return;
        }
        if (change.groupId() != null && change.region() != null) {
            groups.lookup(change.accountId(), change.region(), change.groupId());
        }
        accounts.lookup(change.accountId());
    }

    public Names of(@Body SecurityGroupChange change) {
        if (change == null) {
            return Names.NONE;
        }
        long deadline = System.nanoTime() + settings.names().maxWait().toNanos();
        // both asked at once, so the wait is one deadline, not one each
        CompletableFuture<Optional<GroupInfo>> group = groups.lookup(change.accountId(), change.region(),
                change.groupId());
        CompletableFuture<Optional<String>> account = accounts.lookup(change.accountId());
        Names names = Names.of(Bounded.await(group, deadline).orElse(null),
                Bounded.await(account, deadline).orElse(null));
        // still under way: the message goes out with the IDs, the answer fills the cache for the next one
        if (!group.isDone()) {
            counters.nameLookup("group", "late");
        }
        if (!account.isDone()) {
            counters.nameLookup("account", "late");
        }
        return names;
    }
}
