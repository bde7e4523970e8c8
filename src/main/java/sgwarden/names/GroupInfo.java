package sgwarden.names;

import java.util.Map;

/** A security group as DescribeSecurityGroups shows it, with its VPC's Name tag (null when untagged). */
public record GroupInfo(String name, String vpcId, String vpcName, Map<String, String> tags) {
}
