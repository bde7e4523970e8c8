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
import software.amazon.awssdk.services.ec2.model.ManagedPrefixList;
import software.amazon.awssdk.services.ec2.model.PrefixListAssociation;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

import sgwarden.aws.AwsClients;
import sgwarden.aws.GroupRules;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Direction;
import sgwarden.change.Peer;
import sgwarden.change.PrefixListChange;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.revert.SpokeRole;

/**
 * What a prefix list change opened, read through the spoke roles: the list's entries at the version
 * the call made and at the one before, in the owner's account (the record's); the groups that use the
 * list (GetManagedPrefixListAssociations, which names groups in every account the list is shared
 * with); and those groups' rules that name the list, each in its own account. Whatever cannot be read
 * fails closed: the change says why, and a person is told.
 */
@ApplicationScoped
@Named("prefixListUses")
public class PrefixListUses {

    private static final Logger LOG = Logger.getLogger(PrefixListUses.class);

    @Inject
    AwsClients clients;

    @Inject
    StsClient sts;

    @Inject
    SpokeRole spokeRole;

    @Inject
    CloudTrailParser parser;

    /** The change with the list as read: what was added and removed, and who uses it where something was added. */
    public SecurityGroupChange read(@Body SecurityGroupChange found) {
        PrefixListChange named = found.prefixList();
        String listId = named.listId();
        try (Ec2Client owner = ec2(found.accountId(), found.region())) {
            List<ManagedPrefixList> lists = owner.describeManagedPrefixLists(b -> b.prefixListIds(listId))
                    .prefixLists();
            if (lists.isEmpty()) {
                return unreadable(found, listId + " is not in account " + found.accountId() + " / " + found.region());
            }
            ManagedPrefixList list = lists.get(0);
            if (list.ownerId() != null && !list.ownerId().equals(found.accountId())) {
                return unreadable(found, listId + " belongs to " + list.ownerId() + ", not to " + found.accountId());
            }
            int current = list.version() == null ? 0 : list.version().intValue();
            int made = named.version() != null ? named.version() : current;
            int seen = named.seenVersion() != null ? named.seenVersion() : made - 1;
            if (seen < 1 || made != seen + 1 || made > current) {
                return unreadable(found, "the change from version " + seen + " to " + made + " of " + listId
                        + " cannot be read: the list is at version " + current);
            }
            Map<String, PrefixListChange.Entry> before = entries(owner, listId, seen);
            Map<String, PrefixListChange.Entry> after = entries(owner, listId, made);
            List<PrefixListChange.Entry> added = after.values().stream().filter(e -> !before.containsKey(e.cidr()))
                    .toList();
            List<PrefixListChange.Entry> removed = before.values().stream()
                    .filter(e -> !after.containsKey(e.cidr())).toList();
            List<PrefixListChange.Use> uses = added.isEmpty() ? List.of() : uses(owner, found, listId);
            return found.withPrefixList(named.read(list.prefixListName(), seen, made, added, removed, uses));
        } catch (Ec2Exception | StsException e) {
            if (!refused(e)) {
                throw e;
            }
            return unreadable(found, (e instanceof StsException ? "the spoke role could not be assumed: " : "")
                    + (e.awsErrorDetails() == null ? e.getMessage()
                            : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage()));
        }
    }

    /**
     * One change per group and direction that uses the list: each of its rules that names the list, once
     * per CIDR added, as if that CIDR were its peer. The event ID is the record's, then the group's ID
     * (and "#egress" for outbound rules).
     */
    public List<SecurityGroupChange> expand(@Body SecurityGroupChange found) {
        List<SecurityGroupChange> changes = new ArrayList<>();
        for (PrefixListChange.Use use : found.prefixList().uses()) {
            List<Rule> rules = new ArrayList<>();
            for (Rule rule : use.rules()) {
                for (PrefixListChange.Entry added : found.prefixList().added()) {
                    Peer peer = new Peer(added.cidr().contains(":") ? Peer.Kind.IPV6_CIDR : Peer.Kind.IPV4_CIDR,
                            added.cidr(), null);
                    rules.add(new Rule(rule.ruleId(), rule.protocol(), rule.fromPort(), rule.toPort(), peer,
                            rule.description()));
                }
            }
            String eventId = found.eventId() + "#" + use.groupId()
                    + (use.direction() == Direction.EGRESS ? "#egress" : "");
            SecurityGroupChange change = SecurityGroupChange.prefixListUsed(found, eventId, use, rules,
                    found.record());
            changes.add(SecurityGroupChange.prefixListUsed(found, eventId, use, rules,
                    parser.storedPrefixList(change)));
        }
        return changes;
    }

    /** The list's entries at a version, by CIDR. */
    private static Map<String, PrefixListChange.Entry> entries(Ec2Client ec2, String listId, int version) {
        Map<String, PrefixListChange.Entry> entries = new LinkedHashMap<>();
        ec2.getManagedPrefixListEntriesPaginator(b -> b.prefixListId(listId).targetVersion((long) version))
                .entries().forEach(e -> entries.put(e.cidr(), new PrefixListChange.Entry(e.cidr(), e.description())));
        return entries;
    }

    /** Each group using the list, read in its own account: its rules, by direction, that name the list. */
    private List<PrefixListChange.Use> uses(Ec2Client owner, SecurityGroupChange found, String listId) {
        Map<String, String> groups = new LinkedHashMap<>();
        for (PrefixListAssociation a : owner.getManagedPrefixListAssociationsPaginator(b -> b.prefixListId(listId))
                .prefixListAssociations()) {
            if (a.resourceId() != null && a.resourceId().startsWith("sg-")) {
                groups.put(a.resourceId(), a.resourceOwner() == null ? found.accountId() : a.resourceOwner());
            }
        }
        List<PrefixListChange.Use> uses = new ArrayList<>();
        Map<String, Ec2Client> accounts = new LinkedHashMap<>();
        accounts.put(found.accountId(), owner);
        try {
            for (Map.Entry<String, String> g : groups.entrySet()) {
                Ec2Client ec2 = accounts.computeIfAbsent(g.getValue(), a -> ec2(a, found.region()));
                List<Rule> ingress = new ArrayList<>();
                List<Rule> egress = new ArrayList<>();
                for (SecurityGroupRule r : ec2.describeSecurityGroupRulesPaginator(
                        b -> b.filters(f -> f.name("group-id").values(g.getKey()))).securityGroupRules()) {
                    if (listId.equals(r.prefixListId()) && g.getKey().equals(r.groupId())) {
                        (Boolean.TRUE.equals(r.isEgress()) ? egress : ingress).add(GroupRules.rule(r));
                    }
                }
                if (!ingress.isEmpty()) {
                    uses.add(new PrefixListChange.Use(g.getKey(), g.getValue(), Direction.INGRESS, ingress));
                }
                if (!egress.isEmpty()) {
                    uses.add(new PrefixListChange.Use(g.getKey(), g.getValue(), Direction.EGRESS, egress));
                }
            }
        } finally {
            accounts.values().stream().filter(c -> c != owner).forEach(Ec2Client::close);
        }
        LOG.debugf("%s is used by %d groups", listId, groups.size());
        return uses;
    }

    private Ec2Client ec2(String accountId, String region) {
        Credentials c = sts.assumeRole(spokeRole.lookupRequest(accountId, region)).credentials();
        return clients.ec2(region, c);
    }

    /** AWS refused the read for good (not found, not allowed, not supported): retrying would not help. */
    private static boolean refused(software.amazon.awssdk.awscore.exception.AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
        return e.statusCode() >= 400 && e.statusCode() < 500 && !code.contains("Throttl")
                && !"RequestLimitExceeded".equals(code);
    }

    private static SecurityGroupChange unreadable(SecurityGroupChange found, String why) {
        LOG.warnf("prefix list change %s cannot be read: %s", found.eventId(), why);
        return found.withPrefixList(found.prefixList().readFailed("could not read what " + found.eventName()
                + " changed in " + found.prefixList().listId() + ": " + why));
    }
}
