package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;

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
 * An insider opens 22/tcp to the whole internet without writing 0.0.0.0/0: in halves or quarters,
 * in one call. Under {@link Profiles.LakePolicies}, whose ssh-open-to-world names only peers [world]
 * as the baseline did, the rules are removed from moto at once and the message says why.
 */
@QuarkusTest
@TestProfile(Profiles.LakePolicies.class)
class WideRangesTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    static IpPermission ssh(String... cidrs) {
        return IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
                .ipRanges(Arrays.stream(cidrs).map(c -> IpRange.builder().cidrIp(c).build()).toList())
                .build();
    }

    Accounts.Change open(IpPermission... permissions) {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        return Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false, permissions);
    }

    String message(Accounts.Change c) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        return slack.messagesMentioning(c.eventId()).get(0).allText();
    }

    /** The CIDRs the group's inbound rules allow now (a new group also has its default outbound rule). */
    List<String> inbound(Accounts.Change c) {
        try (Ec2Client ec2 = Aws.ec2In(moto, c.account(), c.region())) {
            return ec2.describeSecurityGroupRules(b -> b.filters(f -> f.name("group-id").values(c.groupId())))
                    .securityGroupRules().stream().filter(r -> !r.isEgress()).map(r -> r.cidrIpv4()).toList();
        }
    }

    void awaitStatus(Accounts.Change c, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> status.equals(Announced.status(moto, c.eventId())));
    }

    @Test
    void sshOpenedInTwoHalvesIsQuarantinedAndWarnedOfAsTheWholeInternet() {
        Accounts.Change c = open(ssh("0.0.0.0/1", "128.0.0.0/1"));
        assertEquals(2, c.rules().size(), "one call, two rules");
        assertEquals(2, inbound(c).size());
        lake.seed(c.record());

        awaitStatus(c, "QUARANTINED");
        assertEquals(List.of(), inbound(c), "both halves are gone from moto");
        String text = message(c);
        assertTrue(text.contains("Quarantined by policy *ssh-open-to-world*"), text);
        assertTrue(text.contains("open to the whole internet (0.0.0.0/1, 128.0.0.0/1)"), text);
    }

    @Test
    void sshOpenedInFourQuartersIsQuarantinedToo() {
        // no quarter is the world on its own: only together
        Accounts.Change c = open(ssh("0.0.0.0/2", "64.0.0.0/2"), ssh("128.0.0.0/2", "192.0.0.0/2"));
        assertEquals(4, c.rules().size());
        lake.seed(c.record());

        awaitStatus(c, "QUARANTINED");
        assertEquals(List.of(), inbound(c), "all four quarters are gone from moto");
        assertTrue(message(c).contains("open to the whole internet (0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/2, 192.0.0.0/2)"));
    }

    @Test
    void aPublicSlash8IsAskedAboutWithItsOwnWarning() {
        Accounts.Change c = open(Accounts.tcp(443, "8.0.0.0/8"));
        lake.seed(c.record());

        String text = message(c);
        assertTrue(text.contains("open to a large part of the internet (8.0.0.0/8)"), text);
        assertTrue(!text.contains("whole internet"), text);
        awaitStatus(c, "PENDING");
        assertEquals(List.of("8.0.0.0/8"), inbound(c), "asked, not removed");
    }
}
