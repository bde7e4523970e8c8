package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.OwnRecords;
import sgwarden.testing.SlackStandIn;

/**
 * The steps the own-change tests share, with the policies of {@link sgwarden.testing.Profiles.LakePolicies}
 * (22 open to the world quarantined, 6379 asked about): changes made in moto and fed to the Lake, and
 * what a user sees of them.
 */
final class OwnChangeSteps {

    static final String DENY = "sgwarden_deny";
    static final String RESTORE = "sgwarden_restore";
    static final String APPROVE_3S = "sgwarden_approve_for_3s";
    static final String OWN_WRITE = "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"own-write\"}";
    static final String THROUGH_SPOKE_ROLE = "Made through sgwarden's own role, but not by sgwarden";
    static final String NAMED_LIKE = "Named like sgwarden, but not made by sgwarden";

    private final Moto moto;
    private final LakeStandIn lake;
    private final SlackStandIn slack;

    OwnChangeSteps(Moto moto, LakeStandIn lake, SlackStandIn slack) {
        this.moto = moto;
        this.lake = lake;
        this.slack = slack;
    }

    SlackStandIn.Received message(String eventId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(eventId).isEmpty());
        return slack.messagesMentioning(eventId).get(0);
    }

    void awaitStatus(String eventId, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(Announced.status(moto, eventId)));
    }

    /** Fed to the Lake: skipped as sgwarden's own once, and not announced when the Lake reads it again. */
    void assertSkippedAsOwn(OwnRecords.Write own) {
        double before = DetectionScenariosTest.metric(OWN_WRITE);
        lake.seed(own.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> DetectionScenariosTest.metric(OWN_WRITE) == before + 1);
        // the Lake's windows overlap: two more finished queries, and the run of the first has read it again
        long queries = lake.finishedQueries();
        await().atMost(Duration.ofSeconds(10)).until(() -> lake.finishedQueries() >= queries + 2);
        assertTrue(slack.messagesMentioning(own.eventId()).isEmpty(), "not announced");
        assertEquals(before + 1, DetectionScenariosTest.metric(OWN_WRITE), "recognized once, read again as such");
        assertNull(Announced.status(moto, own.eventId()), "not in the ledger as a change");
    }

    /** A group with tcp <port> from 10.0.0.0/8, announced (so its form is known), then widened to the world. */
    Accounts.Change widened(int port) {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change added = Announced.viaLake(moto, lake, slack, Accounts.authorize(moto, Accounts.MEMBER,
                Accounts.REGION, group, false, Accounts.tcp(port, "10.0.0.0/8")));
        String ruleId = added.rules().get(0).securityGroupRuleId();
        return Accounts.modify(moto, added.account(), added.region(), group,
                Map.of(ruleId, Accounts.tcpForm(port, "0.0.0.0/0", null)));
    }

    /** A group opened to the world on 22/tcp and quarantined by policy at once. */
    Accounts.Change quarantinedSsh() {
        Accounts.Change c = Accounts.openSsh(moto);
        lake.seed(c.record());
        awaitStatus(c.eventId(), "QUARANTINED");
        return c;
    }

    /** The group's inbound rules that open 22/tcp to the world. */
    List<SecurityGroupRule> worldSsh(String groupId) {
        try (Ec2Client ec2 = Aws.ec2In(moto, Accounts.MEMBER, Accounts.REGION)) {
            return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(groupId)))
                    .securityGroupRules().stream()
                    .filter(r -> !r.isEgress() && Integer.valueOf(22).equals(r.fromPort())
                            && "0.0.0.0/0".equals(r.cidrIpv4()))
                    .toList();
        }
    }

    /** The one rule a change named, as the ledger keeps it. */
    String ruleOf(Accounts.Change c) {
        return Announced.item(moto, c.eventId()).get("ruleIds").l().get(0).s();
    }

    /** The peer of that rule as moto holds it now. */
    String peerNow(Accounts.Change c) {
        return Accounts.rule(moto, c.account(), c.region(), c.groupId(), ruleOf(c)).cidrIpv4();
    }

    /** The last call of this action sgwarden made in the member account, as CloudTrail would record it. */
    OwnRecords.Write lastOwn(String action) {
        return OwnRecords.last(moto, action, Accounts.MEMBER, Accounts.REGION);
    }
}
