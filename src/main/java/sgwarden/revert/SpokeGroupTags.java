package sgwarden.revert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.config.Settings;
import sgwarden.policy.GroupTags;

/**
 * A group's tags, for policies that match on them: DescribeSecurityGroups through the spoke role
 * in the account that owns the group. The policies ask only when they reach a policy that names
 * tags; answers are kept for a minute, so a burst on one group reads its tags once. A failed
 * lookup fails the change's evaluation, which is then tried again like any failed announcement:
 * a change is never decided without the tags its policies name.
 */
@ApplicationScoped
@Named("spokeGroupTags")
public class SpokeGroupTags implements GroupTags {

    static final Duration KEPT = Duration.ofMinutes(1);

    @Inject
    AwsClients clients;
    @Inject
    StsClient sts;
    @Inject
    SpokeRole spokeRole;
    @Inject
    Settings settings;

    Clock clock = Clock.systemUTC();

    private record Known(Map<String, String> tags, Instant until) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();

    @Override
    public Map<String, String> of(String accountId, String region, String groupId) {
        String key = accountId + "/" + region + "/" + groupId;
        Instant now = clock.instant();
        Known k = known.get(key);
        if (k != null && now.isBefore(k.until())) {
            return k.tags();
        }
        Map<String, String> tags = read(accountId, region, groupId);
        if (known.size() > 10_000) {
            known.values().removeIf(v -> !now.isBefore(v.until()));
        }
        known.put(key, new Known(tags, now.plus(KEPT)));
        return tags;
    }

    private Map<String, String> read(String accountId, String region, String groupId) {
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder().roleArn(spokeRole.roleArn(accountId, region))
                .roleSessionName("sgwarden-policy-tags").durationSeconds(900);
        settings.revert().externalId().map(String::trim).filter(s -> !s.isEmpty()).ifPresent(request::externalId);
        Credentials c = sts.assumeRole(request.build()).credentials();
        try (Ec2Client ec2 = clients.ec2(region, StaticCredentialsProvider.create(
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))) {
            return ec2.describeSecurityGroups(b -> b.groupIds(groupId)).securityGroups().stream()
                    .findFirst().map(SecurityGroup::tags).orElse(java.util.List.of()).stream()
                    .collect(Collectors.toUnmodifiableMap(Tag::key, t -> t.value() == null ? "" : t.value(),
                            (a, b) -> a));
        }
    }
}
