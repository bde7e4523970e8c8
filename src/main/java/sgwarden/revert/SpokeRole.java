package sgwarden.revert;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

import sgwarden.change.AssumedRole;
import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * The AssumeRole request into the account that owns the group (recipientAccountId, never the
 * caller's). The session name carries the Slack user, so CloudTrail shows who reverted.
 */
@ApplicationScoped
@Named("spokeRole")
public class SpokeRole {

    @Inject
    Settings settings;

    public AssumeRoleRequest request(@ExchangeProperty(Keys.STORED) StoredChange change,
            @ExchangeProperty(Keys.DECISION) Decision decision) {
        if (change.accountId() == null || !change.accountId().matches("\\d{12}")) {
            throw new IllegalStateException("change " + change.changeId() + " has no owning account");
        }
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(roleArn(change.accountId(), change.region()))
                .roleSessionName(sessionName(decision))
                .durationSeconds(900);
        settings.revert().externalId().map(String::trim).filter(s -> !s.isEmpty()).ifPresent(request::externalId);
        return request.build();
    }

    /** The same role, to read a group's name, VPC and tags; the session name says so in CloudTrail. */
    public AssumeRoleRequest lookupRequest(String accountId, String region) {
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(roleArn(accountId, region))
                .roleSessionName("sgwarden-names")
                .durationSeconds(900);
        settings.revert().externalId().map(String::trim).filter(s -> !s.isEmpty()).ifPresent(request::externalId);
        return request.build();
    }

    /** The spoke role's ARN in the partition of the change's region. */
    public String roleArn(String accountId, String region) {
        return roleArn(accountId, region, settings.revert().rolePath(), settings.revert().roleName());
    }

    /** The path is checked at start to be an IAM path: "/" or "/…/". */
    static String roleArn(String accountId, String region, String path, String name) {
        return "arn:" + partition(region) + ":iam::" + accountId + ":role" + path + name;
    }

    /** aws-us-gov for GovCloud, aws-cn for China, aws elsewhere (as the regions' names tell). */
    static String partition(String region) {
        String r = region == null ? "" : region.toLowerCase(java.util.Locale.ROOT);
        if (r.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        if (r.startsWith("cn-")) {
            return "aws-cn";
        }
        return "aws";
    }

    /**
     * Made through the spoke role itself: the role of its name in the account that owns the group, in
     * that region's partition. Who else may assume it is up to its trust policy, which an admin of
     * that account can change: this alone proves nothing (OwnWrites).
     */
    public boolean isSpokeRole(AssumedRole role, SecurityGroupChange change) {
        return role.partition().equals(partition(change.region()))
                && role.isSpokeRole(change.accountId(), settings.revert().roleName());
    }

    /** sgwarden-<Slack user ID>-<name>, in the characters and length STS allows. */
    static String sessionName(Decision decision) {
        String name = "sgwarden-" + decision.userId()
                + (decision.userName() == null ? "" : "-" + decision.userName());
        name = name.replaceAll("[^\\w+=,.@-]", "_");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }
}
