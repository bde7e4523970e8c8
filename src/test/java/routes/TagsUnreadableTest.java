package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.Ec2Client;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;

/**
 * Tags that cannot be read fail closed, in moto with {@link Profiles.LakePolicies}: prod-7001
 * quarantines 7001/tcp on groups tagged env=prod, and ci-7001 approves 7001/tcp everywhere else. A
 * group whose tags cannot be read (here: deleted before sgwarden looks) is asked about, not approved,
 * and the message says why.
 */
@QuarkusTest
@TestProfile(Profiles.LakePolicies.class)
class TagsUnreadableTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    Accounts.Change open7001(boolean prod) {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        if (prod) {
            try (Ec2Client ec2 = Aws.ec2In(moto, Accounts.MEMBER, Accounts.REGION)) {
                ec2.createTags(b -> b.resources(group).tags(t -> t.key("env").value("prod")));
            }
        }
        return Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(7001, "203.0.113.0/24"));
    }

    void awaitStatus(Accounts.Change c, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(Announced.status(moto, c.eventId())));
    }

    @Test
    void aGroupWhoseTagsCannotBeReadIsAskedAboutWithTheReason() {
        Accounts.Change c = open7001(true);
        // the insider's way to hide the tag: the group is gone before sgwarden reads it
        try (Ec2Client ec2 = Aws.ec2In(moto, c.account(), c.region())) {
            ec2.deleteSecurityGroup(b -> b.groupId(c.groupId()));
        }
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        String text = slack.messagesMentioning(c.eventId()).get(0).allText();
        assertTrue(text.contains("The tags of this group could not be read, so policy *prod-7001* (quarantine),"
                + " which matches on tags, could not be applied: a person decides."), text);
        assertTrue(text.contains("sgwarden_approve") && text.contains("sgwarden_deny"), "Approve and Deny: " + text);
        assertFalse(text.contains("Approved by policy"), text);
        awaitStatus(c, "PENDING");
        AttributeValue policy = Announced.item(moto, c.eventId()).get("policy");
        assertNull(policy == null ? null : policy.s(), "no policy decided it");
    }

    @Test
    void withReadableTagsTheSamePoliciesQuarantineOrApprove() {
        Accounts.Change prod = open7001(true);
        Accounts.Change other = open7001(false);
        lake.seed(prod.record());
        lake.seed(other.record());

        awaitStatus(prod, "QUARANTINED");
        awaitStatus(other, "APPROVED");
        assertEquals("ci-7001", Announced.item(moto, other.eventId()).get("policy").s());
    }
}
