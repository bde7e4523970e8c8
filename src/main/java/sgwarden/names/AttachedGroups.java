package sgwarden.names;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.jboss.logging.Logger;

import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.aws.GroupRules;
import sgwarden.change.Attachment;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.revert.SpokeRole;

/**
 * What an attachment put on which interface, read through the spoke role of the account that owns the
 * interface: the interface (an instance's primary one), its instance, and the ingress rules of each
 * group in the new set, one change per group.
 *
 * <p>
 * CloudTrail records only the new set, and the interface read now already has it, so the earlier set
 * is not known: every group in the new set is judged as newly attached (fail closed). Groups whose
 * rules the policies approve post nothing. An AWS read that fails fails the detection, which is
 * tried again; an interface deleted since is judged with what the record names.
 */
@ApplicationScoped
@Named("attachedGroups")
public class AttachedGroups {

    private static final Logger LOG = Logger.getLogger(AttachedGroups.class);

    @Inject
    AwsClients clients;

    @Inject
    StsClient sts;

    @Inject
    SpokeRole spokeRole;

    @Inject
    CloudTrailParser parser;

    public List<SecurityGroupChange> expand(@Body SecurityGroupChange found) {
        Attachment named = found.attachment();
        Credentials c = sts.assumeRole(spokeRole.lookupRequest(found.accountId(), found.region())).credentials();
        try (Ec2Client ec2 = clients.ec2(found.region(), StaticCredentialsProvider.create(
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken())))) {
            Attachment attachment = resolve(ec2, named);
            List<SecurityGroupChange> changes = new ArrayList<>();
            for (String groupId : named.groups()) {
                List<Rule> rules = GroupRules.ingress(ec2, groupId);
                if (rules.isEmpty()) {
                    LOG.infof("%s put on %s allows no inbound traffic: nothing to judge", groupId,
                            attachment.target());
                    continue;
                }
                SecurityGroupChange change = SecurityGroupChange.attached(found, found.eventId() + "#" + groupId,
                        groupId, rules, attachment, found.record());
                changes.add(SecurityGroupChange.attached(found, change.eventId(), groupId, rules, attachment,
                        parser.stored(change)));
            }
            return changes;
        }
    }

    /** The interface and its instance: for ModifyInstanceAttribute, the instance's primary interface. */
    private static Attachment resolve(Ec2Client ec2, Attachment named) {
        try {
            List<NetworkInterface> found = named.interfaceId() != null
                    ? ec2.describeNetworkInterfaces(b -> b.networkInterfaceIds(named.interfaceId())).networkInterfaces()
                    : ec2.describeNetworkInterfaces(b -> b.filters(f -> f.name("attachment.instance-id")
                            .values(named.instanceId()))).networkInterfaces();
            for (NetworkInterface eni : found) {
                Integer index = eni.attachment() == null ? null : eni.attachment().deviceIndex();
                if (named.interfaceId() != null || index == null || index == 0) {
                    String instance = eni.attachment() == null ? named.instanceId() : eni.attachment().instanceId();
                    return new Attachment(eni.networkInterfaceId(), instance, named.groups());
                }
            }
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() == null || !String.valueOf(e.awsErrorDetails().errorCode()).endsWith("NotFound")) {
                throw e;
            }
            LOG.infof("%s is gone: judged with what the record names", named.target());
        }
        return named;
    }
}
