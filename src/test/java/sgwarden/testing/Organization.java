package sgwarden.testing;

import java.net.URI;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Account;
import software.amazon.awssdk.services.organizations.model.AlreadyInOrganizationException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** An organization in moto whose accounts have names, and groups and VPCs with names and tags. */
public final class Organization {

    /** The management account, where the organization and the account-names role live. */
    public static final String MANAGEMENT = "999999999999";
    public static final String ORG_ROLE = "arn:aws:iam::" + MANAGEMENT + ":role/sgwarden-org-reader";

    private Organization() {
    }

    /**
     * The ID of the member account with this name, created in the organization if it is not there
     * yet (moto gives created accounts random IDs).
     */
    public static String account(Moto moto, String name) {
        try (OrganizationsClient org = OrganizationsClient.builder().endpointOverride(URI.create(moto.endpoint()))
                .region(Region.AWS_GLOBAL).credentialsProvider(in(moto, MANAGEMENT))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            try {
                org.createOrganization(b -> b.featureSet("ALL"));
            } catch (AlreadyInOrganizationException e) {
                // made by an earlier test in this JVM
            }
            return org.listAccountsPaginator(b -> b.build()).stream().flatMap(p -> p.accounts().stream())
                    .filter(a -> name.equals(a.name())).map(Account::id).findFirst()
                    .orElseGet(() -> org.createAccount(b -> b.accountName(name).email(name + "@example.com"))
                            .createAccountStatus().accountId());
        }
    }

    /** A VPC with this Name tag and a group in it with this name and these tags; returns the group ID and VPC ID. */
    public static String[] namedGroup(Moto moto, String account, String region, String vpcName, String groupName,
            Map<String, String> tags) {
        try (Ec2Client ec2 = Aws.ec2In(moto, account, region)) {
            String vpc = ec2.createVpc(b -> b.cidrBlock("10.1.0.0/16").tagSpecifications(t -> t
                    .resourceType(ResourceType.VPC).tags(Tag.builder().key("Name").value(vpcName).build())))
                    .vpc().vpcId();
            String group = ec2.createSecurityGroup(b -> b.groupName(groupName).description(groupName).vpcId(vpc)
                    .tagSpecifications(t -> t.resourceType(ResourceType.SECURITY_GROUP).tags(tags.entrySet().stream()
                            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())))
                    .groupId();
            return new String[]{group, vpc};
        }
    }

    private static StaticCredentialsProvider in(Moto moto, String account) {
        try (StsClient sts = StsClient.builder().endpointOverride(URI.create(moto.endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            Credentials c = sts.assumeRole(b -> b.roleArn("arn:aws:iam::" + account + ":role/Admin")
                    .roleSessionName("test-admin")).credentials();
            return StaticCredentialsProvider.create(
                    AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
        }
    }
}
