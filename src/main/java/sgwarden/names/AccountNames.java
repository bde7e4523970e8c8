package sgwarden.names;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;

import sgwarden.config.Settings;
import sgwarden.ops.Counters;

/**
 * Account names: those set in sgwarden.names.accounts first, then the organization's (ListAccounts
 * through sgwarden.names.org-role-arn), read whole and kept for sgwarden.names.account-ttl. With
 * neither, an account is shown by its ID.
 */
@ApplicationScoped
@Named("accountNames")
public class AccountNames {

    private static final Logger LOG = Logger.getLogger(AccountNames.class);
    private static final String ORGANIZATION = "organization";

    @Inject
    Counters counters;
    @Inject
    Settings settings;
    @Inject
    Clock clock;
    @Inject
    Instance<OrganizationsClient> organizations;

    private Map<String, String> configured;
    private ExecutorService executor;
    private AsyncLoadingCache<String, Optional<Map<String, String>>> fromOrganization;

    @PostConstruct
    void start() {
        configured = settings.names().accountMap();
        executor = Lookups.executor("sgwarden-account-names", 1);
        fromOrganization = Lookups.<String, Map<String, String>>cache(settings.names().accountTtl(), 1, executor, clock)
                .buildAsync(key -> listAccounts());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    public CompletableFuture<Optional<String>> lookup(String accountId) {
        if (accountId == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String name = configured.get(accountId);
        if (name != null || settings.names().orgRoleArn().filter(a -> !a.isBlank()).isEmpty()) {
            return CompletableFuture.completedFuture(Optional.ofNullable(name));
        }
        return fromOrganization.get(ORGANIZATION).thenApply(all -> all.map(m -> m.get(accountId)));
    }

    private Optional<Map<String, String>> listAccounts() {
        try {
            Map<String, String> names = new HashMap<>();
            for (Account a : organizations.get().listAccountsPaginator(b -> b.build()).stream()
                    .flatMap(page -> page.accounts().stream()).toList()) {
                if (a.id() != null && a.name() != null && !a.name().isBlank()) {
                    names.put(a.id(), a.name());
                }
            }
            LOG.infof("%d account names read from the organization", names.size());
            return Optional.of(Map.copyOf(names));
        } catch (SdkException e) {
            counters.nameLookup("account", "failed");
            LOG.warnf("cannot read account names from the organization: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
