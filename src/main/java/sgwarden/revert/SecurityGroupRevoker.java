package sgwarden.revert;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.change.Keys;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;

/**
 * Removes exactly the rules a change created, by their rule IDs, with the credentials of the role
 * assumed in the owning account and in the change's region. camel-aws2-ec2 4.17 has no security
 * group operations, so this bean makes the one EC2 call itself.
 */
@ApplicationScoped
@Named("securityGroupRevoker")
public class SecurityGroupRevoker {

    private static final Logger LOG = Logger.getLogger(SecurityGroupRevoker.class);
    /** What EC2 says when the rule (or the group holding it) no longer exists. */
    static final Set<String> GONE = Set.of("InvalidSecurityGroupRuleId.NotFound", "InvalidPermission.NotFound",
            "InvalidGroup.NotFound");

    @Inject
    AwsClients clients;

    @Inject
    OwnWrites ownWrites;

    /** Returns REVERTED, or ALREADY_GONE when none of the rules was there any more. */
    public Status revoke(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange change) {
        if (change.ruleIds().isEmpty()) {
            throw new IllegalStateException(
                    "the CloudTrail record named no rule IDs, so there is nothing exact to revoke");
        }
        Credentials c = assumed.credentials();
        try (Ec2Client ec2 = clients.ec2(change.region(), c)) {
            try {
                call(assumed, ec2, change, change.ruleIds());
                return Status.REVERTED;
            } catch (Ec2Exception e) {
                if (!isGone(e)) {
                    throw classify(e);
                }
                if (change.ruleIds().size() == 1) {
                    return Status.ALREADY_GONE;
                }
            }
            // one call revokes all or nothing: with some rules already gone, take the rest one by one
            boolean removed = false;
            for (String ruleId : change.ruleIds()) {
                try {
                    call(assumed, ec2, change, List.of(ruleId));
                    removed = true;
                } catch (Ec2Exception e) {
                    if (!isGone(e)) {
                        throw classify(e);
                    }
                    LOG.infof("rule %s of change %s was already gone", ruleId, change.changeId());
                }
            }
            return removed ? Status.REVERTED : Status.ALREADY_GONE;
        }
    }

    /** One revoke, recorded first as a write of sgwarden's own, so that its CloudTrail event is recognized. */
    private void call(AssumeRoleResponse assumed, Ec2Client ec2, StoredChange change, List<String> ruleIds) {
        OwnWrites.Expected expected = ownWrites.revoke(assumed, change, change.isEgress(), ruleIds, "revert");
        try {
            if (change.isEgress()) {
                ec2.revokeSecurityGroupEgress(b -> b.groupId(change.groupId()).securityGroupRuleIds(ruleIds));
            } else {
                ec2.revokeSecurityGroupIngress(b -> b.groupId(change.groupId()).securityGroupRuleIds(ruleIds));
            }
        } catch (Ec2Exception e) {
            ownWrites.withdraw(expected);
            throw e;
        }
    }

    private static RuntimeException classify(Ec2Exception e) {
        if (e.awsErrorDetails() != null && "RequestLimitExceeded".equals(e.awsErrorDetails().errorCode())) {
            return new RevokeThrottledException(e);
        }
        return e;
    }

    static boolean isGone(Ec2Exception e) {
        return e.awsErrorDetails() != null && GONE.contains(e.awsErrorDetails().errorCode());
    }

}
