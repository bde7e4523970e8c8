package sgwarden.revert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Keys;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.change.Tagging;
import sgwarden.store.TagLedger;

/**
 * Puts a group's earlier tags back (Deny, an expiry) or the change's tags again (Restore), for the
 * keys the change named: CreateTags for values to set, DeleteTags for keys to remove, through the
 * spoke role in the owning account and region, each call recorded first as sgwarden's own. The
 * ledger's approved tags follow.
 */
@ApplicationScoped
@Named("tagRestorer")
public class TagRestorer {

    @Inject
    AwsClients clients;

    @Inject
    OwnWrites ownWrites;

    @Inject
    CloudTrailParser parser;

    @Inject
    TagLedger ledger;

    /** REVERTED, or ALREADY_GONE when the group no longer exists. */
    public Status revert(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange stored) {
        SecurityGroupChange change = tagging(stored);
        if (!write(assumed, stored, change.tagging(), change.tagging().before(), "revert")) {
            return Status.ALREADY_GONE;
        }
        ledger.revert(change);
        return Status.REVERTED;
    }

    /** Restore: the change's tags set again. */
    public List<String> reapply(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange stored) {
        SecurityGroupChange change = tagging(stored);
        if (!write(assumed, stored, change.tagging(), change.tagging().after(), "restore")) {
            throw new IllegalStateException(stored.groupId() + " no longer exists: no tags to put back");
        }
        ledger.approve(stored);
        return List.of();
    }

    private SecurityGroupChange tagging(StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null);
        if (change == null || !change.changesTags() || change.tagging().before() == null) {
            throw new IllegalStateException("the tags before change " + stored.changeId()
                    + " are not known, so nothing was changed");
        }
        return change;
    }

    /** The touched keys set to wanted (removed where it has none); false when the group is gone. */
    private boolean write(AssumeRoleResponse assumed, StoredChange stored, Tagging tagging,
            Map<String, String> wanted, String why) {
        TreeSet<String> keys = new TreeSet<>();
        tagging.tags().forEach(t -> keys.add(t.key()));
        if (keys.isEmpty()) {
            keys.addAll(tagging.before().keySet());
        }
        List<Tagging.Tag> set = new ArrayList<>();
        List<Tagging.Tag> remove = new ArrayList<>();
        for (String k : keys) {
            if (wanted.containsKey(k)) {
                set.add(new Tagging.Tag(k, wanted.get(k)));
            } else {
                remove.add(new Tagging.Tag(k, null));
            }
        }
        Credentials c = assumed.credentials();
        try (Ec2Client ec2 = clients.ec2(stored.region(), c)) {
            if (!set.isEmpty()) {
                call(assumed, stored, Tagging.CREATE_EVENT, set, why, () -> ec2.createTags(b -> b
                        .resources(stored.groupId())
                        .tags(set.stream().map(t -> software.amazon.awssdk.services.ec2.model.Tag.builder()
                                .key(t.key()).value(Objects.requireNonNullElse(t.value(), "")).build()).toList())));
            }
            if (!remove.isEmpty()) {
                call(assumed, stored, Tagging.DELETE_EVENT, remove, why, () -> ec2.deleteTags(b -> b
                        .resources(stored.groupId())
                        .tags(remove.stream().map(t -> software.amazon.awssdk.services.ec2.model.Tag.builder()
                                .key(t.key()).build()).toList())));
            }
            return true;
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null
                    && String.valueOf(e.awsErrorDetails().errorCode()).startsWith("InvalidGroup.NotFound")) {
                return false;
            }
            throw e;
        }
    }

    private void call(AssumeRoleResponse assumed, StoredChange stored, String eventName, List<Tagging.Tag> tags,
            String why, Runnable write) {
        OwnWrites.Expected expected = ownWrites.tags(assumed, stored, eventName, tags, why);
        try {
            write.run();
        } catch (Ec2Exception e) {
            ownWrites.withdraw(expected);
            if (e.awsErrorDetails() != null && "RequestLimitExceeded".equals(e.awsErrorDetails().errorCode())) {
                throw new RevokeThrottledException(e);
            }
            throw e;
        }
    }
}
