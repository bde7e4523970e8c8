package sgwarden.revert;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;

/**
 * Takes an attached group off its interface (Deny, revert and quarantine policies) or puts it back
 * (Restore): ModifyNetworkInterfaceAttribute with the interface's other groups as they are now, in
 * the owning account and region, through the spoke role, each call recorded first as sgwarden's own.
 */
@ApplicationScoped
@Named("groupDetacher")
public class GroupDetacher {

    @Inject
    AwsClients clients;

    @Inject
    OwnWrites ownWrites;

    @Inject
    CloudTrailParser parser;

    /** REVERTED, or ALREADY_GONE when the group is no longer on the interface (or the interface is gone). */
    public Status detach(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange stored) {
        SecurityGroupChange change = attachment(stored);
        String eni = change.attachment().interfaceId();
        try (Ec2Client ec2 = ec2(assumed, stored)) {
            List<String> current = groups(ec2, eni);
            if (current == null || !current.contains(stored.groupId())) {
                return Status.ALREADY_GONE;
            }
            List<String> remaining = new ArrayList<>(current);
            remaining.remove(stored.groupId());
            if (remaining.isEmpty()) {
                throw new LastGroupException(stored.groupId() + " is the only group on " + change.attachment().target()
                        + ": an interface must keep one group, so it stays on and nothing was changed."
                        + " Attach another group to the interface first");
            }
            set(assumed, ec2, stored, eni, remaining, "revert");
            return Status.REVERTED;
        }
    }

    /** Restore: the group back on the interface, next to the groups it has now. No rules are re-created. */
    public List<String> reattach(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange stored) {
        SecurityGroupChange change = attachment(stored);
        String eni = change.attachment().interfaceId();
        try (Ec2Client ec2 = ec2(assumed, stored)) {
            List<String> current = groups(ec2, eni);
            if (current == null) {
                throw new IllegalStateException(eni + " no longer exists: nothing to put the group back on");
            }
            if (!current.contains(stored.groupId())) {
                List<String> wanted = new ArrayList<>(current);
                wanted.add(stored.groupId());
                set(assumed, ec2, stored, eni, wanted, "restore");
            }
            return List.of();
        }
    }

    private SecurityGroupChange attachment(StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null);
        if (change == null || !change.changesAttachment() || change.attachment().interfaceId() == null) {
            throw new IllegalStateException("the interface of change " + stored.changeId()
                    + " is not known, so nothing was changed");
        }
        return change;
    }

    private Ec2Client ec2(AssumeRoleResponse assumed, StoredChange stored) {
        Credentials c = assumed.credentials();
        return clients.ec2(stored.region(), c);
    }

    /** The interface's groups now; null when it no longer exists. */
    private static List<String> groups(Ec2Client ec2, String eni) {
        try {
            List<NetworkInterface> found = ec2.describeNetworkInterfaces(b -> b.networkInterfaceIds(eni))
                    .networkInterfaces();
            return found.isEmpty() ? null : found.get(0).groups().stream().map(GroupIdentifier::groupId).toList();
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null
                    && "InvalidNetworkInterfaceID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                return null;
            }
            throw e;
        }
    }

    private void set(AssumeRoleResponse assumed, Ec2Client ec2, StoredChange stored, String eni, List<String> groups,
            String why) {
        OwnWrites.Expected expected = ownWrites.interfaceGroups(assumed, stored, eni, groups, why);
        try {
            ec2.modifyNetworkInterfaceAttribute(b -> b.networkInterfaceId(eni).groups(groups));
        } catch (Ec2Exception e) {
            ownWrites.withdraw(expected);
            if (e.awsErrorDetails() != null && "RequestLimitExceeded".equals(e.awsErrorDetails().errorCode())) {
                throw new RevokeThrottledException(e);
            }
            throw e;
        }
    }

    /** The group is the interface's only one: EC2 would refuse, and the interface must keep one anyway. */
    public static class LastGroupException extends RuntimeException {
        public LastGroupException(String message) {
            super(message);
        }
    }
}
