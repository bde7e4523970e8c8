package sgwarden.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.config.Settings;

/**
 * Every AWS SDK client the service uses. One place decides region, endpoint, credentials and HTTP
 * client, so that pointing the service at moto or the sandbox is one setting, and CDI closes each
 * client at shutdown.
 * <p>
 * The clients are application-scoped, so what is injected (and what Camel autowires into its
 * aws2 components) is a proxy: a client is built on its first call, not at start. Building them at
 * start loaded about 1,800 SDK classes on the start-up path; the STS client, for one, is only
 * needed by the first Deny or Lake query.
 */
@ApplicationScoped
public class AwsClients {

    @Inject
    Settings settings;

    @Produces
    @ApplicationScoped
    @Named("dynamoDbClient")
    DynamoDbClient dynamoDb() {
        // The SDK's DynamoDB default is 9 attempts with long backoff: with the table unreachable that
        // held the detection run and the readiness check for minutes. Fail within seconds instead;
        // the ledger releases the change and the next run tries again.
        return configure(DynamoDbClient.builder(), settings.aws().region(), endpoint(settings.aws().endpointOverride()),
                DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build())
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    @Produces
    @ApplicationScoped
    @Named("stsClient")
    StsClient sts() {
        return configure(StsClient.builder(), settings.aws().region(), endpoint(settings.aws().endpointOverride()),
                DefaultCredentialsProvider.builder().build()).build();
    }

    @Produces
    @ApplicationScoped
    @Named("sqsClient")
    SqsClient sqs() {
        return configure(SqsClient.builder(), settings.aws().region(), endpoint(settings.aws().endpointOverride()),
                DefaultCredentialsProvider.builder().build()).build();
    }

    /**
     * The Lake's client, in the event data store's region, acting as the Lake role when one is set
     * (the store often lives in another account). Application-scoped, so a service on the SQS
     * intake never builds it.
     */
    @Produces
    @ApplicationScoped
    @Named("cloudTrailClient")
    CloudTrailClient cloudTrail(StsClient sts) {
        AwsCredentialsProvider credentials = settings.lake().roleArn().filter(s -> !s.isBlank())
                .<AwsCredentialsProvider>map(arn -> StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                        .refreshRequest(r -> r.roleArn(arn).roleSessionName("sgwarden-lake")).build())
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        return configure(CloudTrailClient.builder(), settings.lake().region(),
                endpoint(settings.lake().endpointOverride()), credentials).build();
    }

    /**
     * Organizations, for account names, acting as the role set in sgwarden.names.org-role-arn.
     * Application-scoped, so it is built only when that role is set and a name is first asked for.
     */
    @Produces
    @ApplicationScoped
    @Named("organizationsClient")
    OrganizationsClient organizations(StsClient sts) {
        AwsCredentialsProvider credentials = settings.names().orgRoleArn().filter(s -> !s.isBlank())
                .<AwsCredentialsProvider>map(arn -> StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                        .refreshRequest(r -> r.roleArn(arn.trim()).roleSessionName("sgwarden-names")).build())
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        // Organizations has one endpoint per partition, reached through its global region
        return configure(OrganizationsClient.builder(), globalRegion(settings.aws().region()),
                endpoint(settings.aws().endpointOverride()), credentials)
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    static String globalRegion(String region) {
        if (region.startsWith("cn-")) {
            return Region.AWS_CN_GLOBAL.id();
        }
        if (region.startsWith("us-gov-")) {
            return Region.AWS_US_GOV_GLOBAL.id();
        }
        return Region.AWS_GLOBAL.id();
    }

    /** An EC2 client acting in another account and region, with credentials from an assumed role. */
    /** EC2 in that region with the credentials of an assumed role (the spoke role's, in a member account). */
    public Ec2Client ec2(String ec2Region, Credentials assumed) {
        return ec2(ec2Region, StaticCredentialsProvider.create(AwsSessionCredentials.create(assumed.accessKeyId(),
                assumed.secretAccessKey(), assumed.sessionToken())));
    }

    public Ec2Client ec2(String ec2Region, AwsCredentialsProvider credentials) {
        return configure(Ec2Client.builder(), ec2Region, endpoint(settings.aws().endpointOverride()), credentials)
                .build();
    }

    private static Optional<URI> endpoint(Optional<String> override) {
        return override.filter(s -> !s.isBlank()).map(String::trim).map(URI::create);
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, String region, Optional<URI> endpoint,
            AwsCredentialsProvider credentials) {
        builder.region(Region.of(region)).credentialsProvider(credentials);
        endpoint.ifPresent(builder::endpointOverride);
        if (builder instanceof AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(ApacheHttpClient.builder());
        }
        return builder;
    }

    void close(@Disposes DynamoDbClient c) {
        c.close();
    }

    void close(@Disposes StsClient c) {
        c.close();
    }

    void close(@Disposes SqsClient c) {
        c.close();
    }

    void close(@Disposes CloudTrailClient c) {
        c.close();
    }

    void close(@Disposes OrganizationsClient c) {
        c.close();
    }
}
