package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.ec2.Ec2Client;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.OwnRecords;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.TagRecords;
import sgwarden.testing.TagRecords.Tag;

/**
 * Tags set or removed on groups in moto, read from the Lake, with {@link Profiles.LakeTags}:
 * prod-frozen reverts every change to groups tagged env=prod, platform-team-trusted approves every
 * change to groups tagged team=platform. A tag change that switches a policy is announced with what
 * it switches; until a person approves it, the approve policy does not count the new tag.
 */
@QuarkusTest
@TestProfile(Profiles.LakeTags.class)
class TagChangesTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    record Group(String id, String name) {
    }

    Group group(Tag... tags) {
        String name = "web-" + UUID.randomUUID().toString().substring(0, 8);
        try (Ec2Client ec2 = Aws.ec2In(moto, Accounts.MEMBER, Accounts.REGION)) {
            String vpc = ec2.createVpc(b -> b.cidrBlock("10.0.0.0/16")).vpc().vpcId();
            String id = ec2.createSecurityGroup(b -> b.groupName(name).description("test").vpcId(vpc)).groupId();
            if (tags.length > 0) {
                ec2.createTags(b -> b.resources(id).tags(java.util.Arrays.stream(tags)
                        .map(t -> software.amazon.awssdk.services.ec2.model.Tag.builder().key(t.key())
                                .value(t.value()).build())
                        .toList()));
            }
            return new Group(id, name);
        }
    }

    TagRecords.Tagged tag(Group g, Tag... tags) {
        TagRecords.Tagged t = TagRecords.create(moto, Accounts.MEMBER, Accounts.REGION, List.of(g.id()), tags);
        lake.seed(t.record());
        return t;
    }

    String announced(String changeId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(changeId).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, changeId)));
        return slack.messagesMentioning(changeId).get(0).allText();
    }

    Accounts.Change rdpFromTheWorld(Group g) {
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, g.id(), false,
                Accounts.tcp(3389, "0.0.0.0/0"));
        lake.seed(c.record());
        return c;
    }

    void approve(String changeId) {
        Clicks.click("sgwarden_approve", changeId, "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "APPROVED".equals(Announced.status(moto, changeId)));
    }

    static double skipped(String reason) {
        return DetectionScenariosTest.metric(
                "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"" + reason + "\"}");
    }

    @Test
    void anInsiderTagsAGroupThenOpensRdpAndNothingIsApprovedSilently() {
        Group web = group();
        // sgwarden has read the group's tags before (a change asked about): they are not kept from before the tag
        Accounts.Change earlier = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, web.id(), false,
                Accounts.tcp(8443, "10.0.0.0/8"));
        lake.seed(earlier.record());
        announced(earlier.eventId());
        TagRecords.Tagged tagged = tag(web, new Tag("team", "platform"));

        String text = announced(tagged.changeId(web.id()));
        assertTrue(text.contains("set tag team=platform"), text);
        assertTrue(text.contains("from now on policy platform-team-trusted approves changes to " + web.name()), text);
        assertTrue(text.contains("sgwarden_approve") && text.contains("sgwarden_deny"), text);

        Accounts.Change rdp = rdpFromTheWorld(web);
        String asked = announced(rdp.eventId());
        assertTrue(asked.contains("tag team=platform on " + web.name() + " is not approved yet"), asked);
        assertFalse(asked.contains("Approved by policy"), asked);
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, rdp.eventId())));
    }

    @Test
    void onceAPersonApprovesTheTagTheApprovePolicyCountsIt() {
        Group web = group();
        TagRecords.Tagged tagged = tag(web, new Tag("team", "platform"));
        String changeId = tagged.changeId(web.id());
        announced(changeId);

        approve(changeId);

        Accounts.Change rdp = rdpFromTheWorld(web);
        await().atMost(Duration.ofSeconds(30)).until(() -> "APPROVED".equals(Announced.status(moto, rdp.eventId())));
        assertEquals("platform-team-trusted", Announced.item(moto, rdp.eventId()).get("policy").s());
        assertEquals(Map.of("team", "platform"), TagRecords.of(moto, Accounts.MEMBER, Accounts.REGION, web.id()));
    }

    @Test
    void denyPutsTheEarlierTagsBackAndItsOwnWriteIsNotAnnouncedAgain() {
        Group web = group();
        // sgwarden meets the group as team=legacy: a key a policy uses, a value that switches nothing
        double nothing = skipped("tag-switches-nothing");
        tag(web, new Tag("team", "legacy"));
        await().atMost(Duration.ofSeconds(30)).until(() -> skipped("tag-switches-nothing") >= nothing + 1);

        TagRecords.Tagged tagged = tag(web, new Tag("team", "platform"), new Tag("env", "dev"));
        String changeId = tagged.changeId(web.id());
        String text = announced(changeId);
        assertTrue(text.contains("from now on policy platform-team-trusted approves changes to " + web.name()), text);
        moto.startRecording();
        String url = slack.newResponseUrl();

        Clicks.click("sgwarden_deny", changeId, "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, changeId)));
        assertEquals(Map.of("team", "legacy"), TagRecords.of(moto, Accounts.MEMBER, Accounts.REGION, web.id()),
                "the changed value is back, the added key gone");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(url).isEmpty());
        assertTrue(slack.responses(url).get(0).allText().contains("the earlier tags are back"),
                slack.responses(url).get(0).allText());

        // sgwarden's own CreateTags and DeleteTags, as AWS records them, are recognized and not announced
        double own = skipped("own-write");
        OwnRecords.Write created = OwnRecords.lastTags(moto, "CreateTags", Accounts.MEMBER, Accounts.REGION);
        OwnRecords.Write deleted = OwnRecords.lastTags(moto, "DeleteTags", Accounts.MEMBER, Accounts.REGION);
        lake.seed(created.record());
        lake.seed(deleted.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> skipped("own-write") >= own + 2);
        assertTrue(slack.messagesMentioning(created.eventId()).isEmpty(), "sgwarden's own write is not announced");
        assertTrue(slack.messagesMentioning(deleted.eventId()).isEmpty(), "sgwarden's own write is not announced");
    }

    @Test
    void aTagNoPolicyUsesIsNotPostedButRemovingOneARevertPolicyUsesIs() {
        Group web = group(new Tag("env", "prod"));
        double unused = skipped("tag-key-unused");
        TagRecords.Tagged owner = tag(web, new Tag("owner", "bob"));
        await().atMost(Duration.ofSeconds(30)).until(() -> skipped("tag-key-unused") >= unused + 1);
        assertTrue(slack.messagesMentioning(owner.eventId()).isEmpty(), "a key no policy uses is not posted");

        // sgwarden meets the group through a change prod-frozen reverts
        Accounts.Change ssh = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, web.id(), false,
                Accounts.tcp(22, "10.0.0.0/8"));
        lake.seed(ssh.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(Announced.status(moto, ssh.eventId())));

        // the insider takes the tag off, as the CLI does: the key alone
        TagRecords.Tagged removed = TagRecords.delete(moto, Accounts.MEMBER, Accounts.REGION, List.of(web.id()),
                new Tag("env", null));
        lake.seed(removed.record());
        String text = announced(removed.changeId(web.id()));
        assertTrue(text.contains("removed tag env"), text);
        assertTrue(text.contains("from now on policy prod-frozen no longer reverts changes to " + web.name()), text);
    }

    @Test
    void aMalformedCreateTagsRecordChangesNothing() {
        Group web = group();
        double unparseable = DetectionScenariosTest.metric(
                "sgwarden_changes_total{intake=\"lake\",outcome=\"unparseable\"}");
        String eventId = UUID.randomUUID().toString();
        // tags in a shape sgwarden does not know: no tagSet.items
        String record = TagRecords.record(eventId, "CreateTags", Accounts.MEMBER, Accounts.REGION,
                List.of(web.id()), List.of(new Tag("team", "platform")))
                .replace("\"tagSet\":{\"items\":", "\"tagSet\":{\"entries\":");
        lake.seed(record);

        await().atMost(Duration.ofSeconds(30)).until(() -> DetectionScenariosTest.metric(
                "sgwarden_changes_total{intake=\"lake\",outcome=\"unparseable\"}") >= unparseable + 1);
        assertTrue(slack.messagesMentioning(eventId).isEmpty());
        assertEquals(Map.of(), TagRecords.of(moto, Accounts.MEMBER, Accounts.REGION, web.id()), "nothing changed");
        assertEquals(null, Announced.status(moto, eventId + "#" + web.id()));
    }

    @Test
    void withRestoreOffARevertOffersNoRestoreAndAForgedRestoreIsRefused() {
        Group prod = group(new Tag("env", "prod"));
        Accounts.Change c = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, prod.id(), false,
                Accounts.tcp(5432, "0.0.0.0/0"));
        lake.seed(c.record());

        await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(Announced.status(moto, c.eventId())));
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(c.eventId()).isEmpty());
        SlackStandIn.Received posted = slack.messagesMentioning(c.eventId()).get(0);
        String text = posted.allText();
        assertTrue(text.contains("Reverted at once by policy *prod-frozen*"), text);
        assertTrue(text.contains("Restore is off in this deployment"), text);
        assertFalse(text.contains("*Restore*"), "the line offers no Restore either: " + text);
        assertEquals(List.of(), Clicks.buttons(posted), "no Restore to click");

        // a Restore no message offered, forged: refused, said why, the rule stays off
        String forged = slack.newResponseUrl();
        Clicks.click("sgwarden_restore", c.eventId(), "U0ALICE", "alice", forged).expect(200)
                .saying("Restore is off");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(forged).isEmpty());
        assertTrue(slack.responses(forged).get(0).allText().contains("nothing was changed"),
                slack.responses(forged).get(0).allText());
        assertEquals("REVERTED", Announced.status(moto, c.eventId()));
        assertEquals(null, Accounts.rule(moto, Accounts.MEMBER, Accounts.REGION, prod.id(),
                c.rules().get(0).securityGroupRuleId()), "the rule stays off");
    }
}
