package sgwarden.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The AWS SDK clients the service uses as itself. One place decides region, endpoint and HTTP
 * client, so that pointing the service at moto or the sandbox is one setting.
 * <p>
 * The clients are application-scoped, so what is injected (and what Camel autowires into its
 * aws2 components) is a proxy: a client is built on its first call, not at start. Building the
 * three clients loaded about 1,600 SDK classes on the start-up path; the STS client is only needed
 * by the first Deny or Lake query.
 */
@ApplicationScoped
public class AwsClients {

    @ConfigProperty(name = "sgwarden.aws.region")
    String region;

    @ConfigProperty(name = "sgwarden.aws.endpoint-override")
    Optional<String> endpointOverride;

    @Produces
    @ApplicationScoped
    @Named("dynamoDbClient")
    DynamoDbClient dynamoDb() {
        // The SDK's DynamoDB default is 9 attempts with long backoff: with the table unreachable that
        // held the detection run and the readiness check for minutes. Fail within seconds instead;
        // the ledger releases the change and the next run tries again.
        return configure(DynamoDbClient.builder(), region, DefaultCredentialsProvider.builder().build())
                .overrideConfiguration(o -> o
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build())
                        .apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

    @Produces
    @ApplicationScoped
    @Named("stsClient")
    StsClient sts() {
        return configure(StsClient.builder(), region, DefaultCredentialsProvider.builder().build()).build();
    }

    @Produces
    @ApplicationScoped
    @Named("sqsClient")
    SqsClient sqs() {
        return configure(SqsClient.builder(), region, DefaultCredentialsProvider.builder().build()).build();
    }

    /** An EC2 client acting in another account and region, with credentials from an assumed role. */
    public Ec2Client ec2(String ec2Region, AwsCredentialsProvider credentials) {
        return configure(Ec2Client.builder(), ec2Region, credentials).build();
    }

    public Optional<URI> endpoint() {
        return endpointOverride.filter(s -> !s.isBlank()).map(URI::create);
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, String clientRegion,
            AwsCredentialsProvider credentials) {
        builder.region(Region.of(clientRegion)).credentialsProvider(credentials);
        endpoint().ifPresent(builder::endpointOverride);
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
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
}
