package sgwarden.names;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.jboss.logging.Logger;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
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
        try (Ec2Client ec2 = clients.ec2(found.region(), c)) {
            if (!named.launched().isEmpty()) {
                return launched(ec2, found);
            }
            Attachment attachment = resolve(ec2, named);
            List<SecurityGroupChange> changes = new ArrayList<>();
            judge(ec2, found, attachment, named.groups(), "", changes);
            return changes;
        }
    }

    /** One change per group with inbound rules, its ID the event's with this suffix and the group's. */
    private void judge(Ec2Client ec2, SecurityGroupChange found, Attachment attachment, List<String> groups,
            String suffix, List<SecurityGroupChange> changes) {
        for (String groupId : groups) {
            List<Rule> rules = GroupRules.ingress(ec2, groupId);
            if (rules.isEmpty()) {
                LOG.infof("%s put on %s allows no inbound traffic: nothing to judge", groupId, attachment.target());
                continue;
            }
            SecurityGroupChange change = SecurityGroupChange.attached(found,
                    found.eventId() + suffix + "#" + groupId, groupId, rules, attachment, found.record());
            changes.add(SecurityGroupChange.attached(found, change.eventId(), groupId, rules, attachment,
                    parser.stored(change)));
        }
    }

    /**
     * CreateNetworkInterface / RunInstances: the groups on each interface the call created, as the
     * spoke role reads them now, so that a launch template or groups named by name are covered and
     * the request is not trusted. Each interface of each instance launched is judged on its own (one
     * change per interface and group). What cannot be read any more (terminated since) is judged with
     * the group IDs the request names, or, when it names them otherwise, told to a person.
     */
    private List<SecurityGroupChange> launched(Ec2Client ec2, SecurityGroupChange found) {
        Attachment named = found.attachment();
        boolean launch = Attachment.LAUNCH_EVENT.equals(found.eventName());
        List<SecurityGroupChange> changes = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        Map<String, List<NetworkInterface>> byLaunched = interfaces(ec2, named.launched());
        for (String id : named.launched()) {
            List<NetworkInterface> enis = byLaunched.getOrDefault(id, List.of());
            if (enis.isEmpty()) {
                unread.add(id);
                continue;
            }
            for (NetworkInterface eni : enis) {
                Attachment on = new Attachment(eni.networkInterfaceId(),
                        eni.attachment() == null ? null : eni.attachment().instanceId(),
                        eni.groups().stream().map(GroupIdentifier::groupId).toList());
                judge(ec2, found, on, on.groups(), launch ? "#" + eni.networkInterfaceId() : "", changes);
            }
        }
        if (unread.isEmpty()) {
            return changes;
        }
        if (named.notById() != null || named.groups().isEmpty()) {
            String why = "could not read the group set of " + found.eventName() + ": " + String.join(", ", unread)
                    + (unread.size() == 1 ? " is" : " are") + " gone, and "
                    + (named.notById() != null ? named.notById() : "the request names no group ID");
            changes.add(new SecurityGroupChange(found.eventId(), found.requestId(), found.eventName(),
                    found.eventTime(), found.accountId(), found.region(), null, found.direction(), found.actor(),
                    List.of(), found.intake(), found.record(), Map.of(),
                    new Attachment(null, null, List.of(), why, unread, named.notById())));
            return changes;
        }
        Map<String, List<String>> listed = launch ? parser.launchedInterfaces(found.record()) : Map.of();
        for (String id : unread) {
            LOG.infof("%s is gone: judged with the groups the record names", id);
            if (id.startsWith("eni-")) {
                judge(ec2, found, new Attachment(id, null, named.groups()), named.groups(), "", changes);
                continue;
            }
            // the IDs a read would have given, as the response lists the instance's interfaces
            List<String> enis = listed.getOrDefault(id, List.of());
            for (String eni : enis.isEmpty() ? List.of(id) : enis) {
                Attachment on = eni.equals(id) ? new Attachment(null, id, named.groups())
                        : new Attachment(eni, id, named.groups());
                judge(ec2, found, on, named.groups(), "#" + eni, changes);
            }
        }
        return changes;
    }

    /** The interfaces of each instance launched (all of them, not only the primary), or the interface created. */
    private static Map<String, List<NetworkInterface>> interfaces(Ec2Client ec2, List<String> launched) {
        Map<String, List<NetworkInterface>> found = new LinkedHashMap<>();
        List<String> instances = launched.stream().filter(id -> id.startsWith("i-")).toList();
        List<String> created = launched.stream().filter(id -> id.startsWith("eni-")).toList();
        // a filter takes at most 200 values
        for (int i = 0; i < instances.size(); i += 100) {
            List<String> chunk = instances.subList(i, Math.min(instances.size(), i + 100));
            ec2.describeNetworkInterfacesPaginator(b -> b.filters(f -> f.name("attachment.instance-id")
                    .values(chunk))).networkInterfaces().forEach(eni -> found.computeIfAbsent(
                            eni.attachment().instanceId(), k -> new ArrayList<>()).add(eni));
        }
        for (String eni : created) {
            try {
                found.put(eni, ec2.describeNetworkInterfaces(b -> b.networkInterfaceIds(eni)).networkInterfaces());
            } catch (Ec2Exception e) {
                if (e.awsErrorDetails() == null
                        || !String.valueOf(e.awsErrorDetails().errorCode()).endsWith("NotFound")) {
                    throw e;
                }
            }
        }
        return found;
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
