package sgwarden.revert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Role ARNs follow the partition of the change's region, so GovCloud and China reverts can assume the role. */
class SpokeRoleTest {

    @ParameterizedTest
    @CsvSource({
            "eu-west-1, aws",
            "us-east-1, aws",
            "ap-southeast-7, aws",
            "us-gov-west-1, aws-us-gov",
            "us-gov-east-1, aws-us-gov",
            "cn-north-1, aws-cn",
            "cn-northwest-1, aws-cn"
    })
    void partitionOfTheRegion(String region, String partition) {
        assertEquals(partition, SpokeRole.partition(region));
        assertEquals("arn:" + partition + ":iam::111111111111:role/security/sgwarden-spoke",
                SpokeRole.roleArn("111111111111", region, "/security/", "sgwarden-spoke"));
    }
}
