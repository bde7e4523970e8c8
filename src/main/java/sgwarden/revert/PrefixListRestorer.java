package sgwarden.revert;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AddPrefixListEntry;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.ManagedPrefixList;
import software.amazon.awssdk.services.ec2.model.RemovePrefixListEntry;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Keys;
import sgwarden.change.PrefixListChange;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;

/**
 * Undoes a prefix list change (Deny, revert and quarantine policies) or makes it again (Restore), in
 * the account that owns the list, through the spoke role: one ModifyManagedPrefixList at the version
 * the list is at, recorded first as sgwarden's own. Deny acts only while the list is at the version the
 * change made: a list changed again since is left alone (the later change stays), unless its entries
 * are already the earlier ones (another group's Deny of the same change put them back).
 */
@ApplicationScoped
@Named("prefixListRestorer")
public class PrefixListRestorer {

    @Inject
    AwsClients clients;

    @Inject
    OwnWrites ownWrites;

    @Inject
    CloudTrailParser parser;

    /** REVERTED, or ALREADY_GONE when the earlier entries are back already. */
    public Status revert(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange stored) {
        PrefixListChange list = prefixList(stored);
        try (Ec2Client ec2 = ec2(assumed, stored)) {
            ManagedPrefixList now = describe(ec2, list);
            int version = now.version().intValue();
            Map<String, PrefixListChange.Entry> current = entries(ec2, list.listId(), version);
            boolean undone = list.added().stream().noneMatch(e -> current.containsKey(e.cidr()))
                    && list.removed().stream().allMatch(e -> current.containsKey(e.cidr()));
            if (undone) {
                return Status.ALREADY_GONE;
            }
            if (version != list.version()) {
                throw new ChangedAgainException("changed again since: " + list.describe() + " is at version "
                        + version + ", not at version " + list.version() + " this change made. The later entries"
                        + " stay; nothing was changed");
            }
            modify(assumed, ec2, stored, list, now, list.removed(), list.added(), "revert");
            return Status.REVERTED;
        }
    }

    /** Restore: the entries the change added back in the list, those it removed out again. */
    public List<String> reapply(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange stored) {
        PrefixListChange list = prefixList(stored);
        try (Ec2Client ec2 = ec2(assumed, stored)) {
            ManagedPrefixList now = describe(ec2, list);
            Map<String, PrefixListChange.Entry> current = entries(ec2, list.listId(), now.version().intValue());
            List<PrefixListChange.Entry> add = list.added().stream().filter(e -> !current.containsKey(e.cidr()))
                    .toList();
            List<PrefixListChange.Entry> remove = list.removed().stream().filter(e -> current.containsKey(e.cidr()))
                    .toList();
            if (!add.isEmpty() || !remove.isEmpty()) {
                modify(assumed, ec2, stored, list, now, add, remove, "restore");
            }
            return List.of();
        }
    }

    private PrefixListChange prefixList(StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null);
        if (change == null || !change.changesPrefixList() || change.prefixList().version() == null
                || change.prefixList().listId() == null) {
            throw new IllegalStateException("the prefix list change of " + stored.changeId()
                    + " is not known, so nothing was changed");
        }
        return change.prefixList();
    }

    private static ManagedPrefixList describe(Ec2Client ec2, PrefixListChange list) {
        List<ManagedPrefixList> found = ec2.describeManagedPrefixLists(b -> b.prefixListIds(list.listId()))
                .prefixLists();
        if (found.isEmpty() || found.get(0).version() == null) {
            throw new IllegalStateException(list.describe() + " no longer exists: nothing was changed");
        }
        return found.get(0);
    }

    private static Map<String, PrefixListChange.Entry> entries(Ec2Client ec2, String listId, int version) {
        Map<String, PrefixListChange.Entry> entries = new LinkedHashMap<>();
        ec2.getManagedPrefixListEntriesPaginator(b -> b.prefixListId(listId).targetVersion((long) version))
                .entries().forEach(e -> entries.put(e.cidr(), new PrefixListChange.Entry(e.cidr(), e.description())));
        return entries;
    }

    private Ec2Client ec2(AssumeRoleResponse assumed, StoredChange stored) {
        Credentials c = assumed.credentials();
        return clients.ec2(stored.region(), c);
    }

    /**
     * One ModifyManagedPrefixList at the version the list is at: EC2 refuses it if the list moves on
     * meanwhile. The list's own name is passed along (a no-op for EC2, which keeps a name not given).
     */
    private void modify(AssumeRoleResponse assumed, Ec2Client ec2, StoredChange stored, PrefixListChange list,
            ManagedPrefixList now, List<PrefixListChange.Entry> add, List<PrefixListChange.Entry> remove, String why) {
        int version = now.version().intValue();
        OwnWrites.Expected expected = ownWrites.prefixList(assumed, stored, list.listId(), version, why);
        try {
            ec2.modifyManagedPrefixList(b -> {
                b.prefixListId(list.listId()).currentVersion((long) version);
                if (now.prefixListName() != null) {
                    b.prefixListName(now.prefixListName());
                }
                if (!add.isEmpty()) {
                    b.addEntries(add.stream().map(e -> AddPrefixListEntry.builder().cidr(e.cidr())
                            .description(e.description()).build()).toList());
                }
                if (!remove.isEmpty()) {
                    b.removeEntries(remove.stream().map(e -> RemovePrefixListEntry.builder().cidr(e.cidr()).build())
                            .toList());
                }
            });
        } catch (Ec2Exception e) {
            ownWrites.withdraw(expected);
            if (e.awsErrorDetails() != null && "RequestLimitExceeded".equals(e.awsErrorDetails().errorCode())) {
                throw new RevokeThrottledException(e);
            }
            throw e;
        }
    }
}
