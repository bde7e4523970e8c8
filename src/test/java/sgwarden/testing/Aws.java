package sgwarden.testing;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** Real AWS SDK clients pointed at moto, as the tests' own hands on the emulated accounts. */
public final class Aws {

    private static final StaticCredentialsProvider SERVICE = StaticCredentialsProvider
            .create(AwsBasicCredentials.create("test", "test"));

    private Aws() {
    }

    public static DynamoDbClient dynamo(Moto moto) {
        return DynamoDbClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(SERVICE).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    public static SqsClient sqs(Moto moto) {
        return SqsClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(SERVICE).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    /** EC2 acting inside another account, reached the way a person there would: through a role. */
    public static Ec2Client ec2In(Moto moto, String account, String region) {
        try (StsClient sts = StsClient.builder().endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1).credentialsProvider(SERVICE)
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            Credentials c = sts.assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/Admin")
                    .roleSessionName("test-admin")).credentials();
            return Ec2Client.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.of(region))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))
                    .httpClientBuilder(ApacheHttpClient.builder()).build();
        }
    }
}
