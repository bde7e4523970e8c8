package sgwarden.revert;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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

    @ConfigProperty(name = "sgwarden.revert.role-path")
    String rolePath;
    @ConfigProperty(name = "sgwarden.revert.role-name")
    String roleName;
    @ConfigProperty(name = "sgwarden.revert.external-id")
    Optional<String> externalId;

    public AssumeRoleRequest request(@ExchangeProperty("stored") StoredChange change,
            @ExchangeProperty("decision") Decision decision) {
        if (change.accountId() == null || !change.accountId().matches("\\d{12}")) {
            throw new IllegalStateException("change " + change.changeId() + " has no owning account");
        }
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                .roleArn(roleArn(change.accountId()))
                .roleSessionName(sessionName(decision))
                .durationSeconds(900);
        externalId.map(String::trim).filter(s -> !s.isEmpty()).ifPresent(request::externalId);
        return request.build();
    }

    public String roleArn(String accountId) {
        String path = rolePath.startsWith("/") ? rolePath : "/" + rolePath;
        path = path.endsWith("/") ? path : path + "/";
        return "arn:aws:iam::" + accountId + ":role" + path + roleName;
    }

    /** sgwarden-<Slack user ID>-<name>, in the characters and length STS allows. */
    static String sessionName(Decision decision) {
        String name = "sgwarden-" + decision.userId()
                + (decision.userName() == null ? "" : "-" + decision.userName());
        name = name.replaceAll("[^\\w+=,.@-]", "_");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }
}
