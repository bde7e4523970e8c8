package sgwarden.revert;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import sgwarden.config.Settings;

import sgwarden.decision.Decision;
import sgwarden.store.StoredChange;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * The AssumeRole request into the account that owns the group (recipientAccountId, never the
 * caller's). The session name carries the Slack user, so CloudTrail shows who reverted.
 */
@ApplicationScoped
@Named("spokeRole")
public class SpokeRole {

    @Inject
    Settings settings;

    public AssumeRoleRequest request(@ExchangeProperty("stored") StoredChange change,
            @ExchangeProperty("decision") Decision decision) {
        if (change.accountId() == null || !change.accountId().matches("\\d{12}")) {
            throw new IllegalStateException("change " + change.changeId() + " has no owning account");
        }
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(roleArn(change.accountId()))
                .roleSessionName(sessionName(decision))
                .durationSeconds(900);
        settings.revert().externalId().map(String::trim).filter(s -> !s.isEmpty()).ifPresent(request::externalId);
        return request.build();
    }

    /** The same role, to read a group's name, VPC and tags; the session name says so in CloudTrail. */
    public AssumeRoleRequest lookupRequest(String accountId) {
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(roleArn(accountId))
                .roleSessionName("sgwarden-names")
                .durationSeconds(900);
        settings.revert().externalId().map(String::trim).filter(s -> !s.isEmpty()).ifPresent(request::externalId);
        return request.build();
    }

    public String roleArn(String accountId) {
        // the path is checked at start to be an IAM path: "/" or "/…/"
        return "arn:aws:iam::" + accountId + ":role" + settings.revert().rolePath() + settings.revert().roleName();
    }

    /** sgwarden-<Slack user ID>-<name>, in the characters and length STS allows. */
    static String sessionName(Decision decision) {
        String name = "sgwarden-" + decision.userId()
                + (decision.userName() == null ? "" : "-" + decision.userName());
        name = name.replaceAll("[^\\w+=,.@-]", "_");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }
}
