package sgwarden.names;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.config.Settings;
import sgwarden.ops.Counters;
import sgwarden.policy.GroupTags;
import sgwarden.revert.SpokeRole;

/**
 * A security group's name, VPC and tags, read through the spoke role in the owning account
 * (DescribeSecurityGroups, DescribeVpcs for the VPC's Name tag) and kept for a short while. The
 * messages show the names and the policies match the tags from the same lookup, so a change costs
 * one read, whoever asks first.
 */
@ApplicationScoped
@Named("groupLookup")
public class GroupLookup implements GroupTags {

    private static final Logger LOG = Logger.getLogger(GroupLookup.class);
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern GROUP_ID = Pattern.compile("sg-[0-9a-f]{8,17}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    /** Each AWS call gives up after this, so a hung endpoint never holds a lookup thread for long. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    record Key(String account, String region, String groupId) {
    }

    @Inject
    Counters counters;
    @Inject
    Settings settings;
    @Inject
    Clock clock;
    @Inject
    AwsClients clients;
    @Inject
    StsClient sts;
    @Inject
    SpokeRole spokeRole;

    private ExecutorService executor;
    private AsyncLoadingCache<Key, Optional<GroupInfo>> cache;

    @PostConstruct
    void start() {
        executor = Lookups.executor("sgwarden-group-lookup", 4);
        cache = Lookups
                .<Key, GroupInfo>cache(settings.names().groupTtl(), settings.names().cacheSize(), executor, clock)
                .buildAsync(this::describe);
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** The group as AWS shows it, when it comes; empty when it cannot be read. */
    public CompletableFuture<Optional<GroupInfo>> lookup(String account, String region, String groupId) {
        if (account == null || region == null || groupId == null || !ACCOUNT.matcher(account).matches()
                || !REGION.matcher(region).matches() || !GROUP_ID.matcher(groupId).matches()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return cache.get(new Key(account, region, groupId));
    }

    /** The group's tags changed: the next lookup reads it again rather than keep the tags from before. */
    public void forget(String account, String region, String groupId) {
        cache.synchronous().invalidate(new Key(account, region, groupId));
    }

    /** For the policies: the group's tags, or null when they cannot be read in time (docs/policies.md). */
    @Override
    public Map<String, String> of(String accountId, String region, String groupId) {
        long deadline = System.nanoTime() + settings.names().maxWait().toNanos();
        Optional<GroupInfo> group = Bounded.await(lookup(accountId, region, groupId), deadline);
        if (group.isEmpty()) {
            LOG.warnf("tags of %s in %s / %s could not be read in time: policies on tags fail closed (a person"
                    + " decides)", groupId, accountId, region);
            return null;
        }
        return group.get().tags();
    }

    private Optional<GroupInfo> describe(Key key) {
        try {
            Credentials c = sts.assumeRole(spokeRole.lookupRequest(key.account(), key.region()).toBuilder()
                    .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT)).build()).credentials();
            try (Ec2Client ec2 = clients.ec2(key.region(), c)) {
                List<SecurityGroup> found = ec2.describeSecurityGroups(b -> b.groupIds(key.groupId())
                        .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT))).securityGroups();
                if (found.isEmpty()) {
                    return Optional.empty();
                }
                SecurityGroup group = found.get(0);
                return Optional.of(new GroupInfo(group.groupName(), group.vpcId(), vpcName(ec2, group.vpcId()),
                        tags(group.tags())));
            }
        } catch (SdkException e) {
            counters.nameLookup("group", "failed");
            LOG.warnf("cannot read the name of %s in %s / %s: %s", key.groupId(), key.account(), key.region(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** The VPC's Name tag; a VPC that cannot be read is shown by its ID. */
    private static String vpcName(Ec2Client ec2, String vpcId) {
        if (vpcId == null) {
            return null;
        }
        try {
            return ec2.describeVpcs(b -> b.vpcIds(vpcId).overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT)))
                    .vpcs().stream().flatMap(v -> v.tags().stream()).filter(t -> "Name".equals(t.key()))
                    .map(Tag::value).filter(v -> v != null && !v.isBlank()).findFirst().orElse(null);
        } catch (SdkException e) {
            LOG.debugf("cannot read the name of %s: %s", vpcId, e.getMessage());
            return null;
        }
    }

    private static Map<String, String> tags(List<Tag> tags) {
        Map<String, String> out = new LinkedHashMap<>();
        tags.forEach(t -> out.put(t.key(), t.value() == null ? "" : t.value()));
        return Map.copyOf(out);
    }
}
