package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.OwnRecords;
import sgwarden.testing.PrefixLists;
import sgwarden.testing.PrefixLists.Shape;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;

/**
 * Managed prefix lists changed in moto, read from the Lake: the entries are read from the list at the
 * version the call made and the one before (never from the record), and each rule that names the list
 * meets the policies as if each added CIDR were its peer; Deny puts the earlier entries back in the
 * owner's account. The profile's policies: 23 reverted at once, 443 from private ranges approved,
 * anything else (ssh from the world) asked about. moto has no GetManagedPrefixListAssociations: the
 * test harness answers it as AWS documents it (src/test/moto/serve.py).
 */
@QuarkusTest
@TestProfile(Profiles.LakeAttachments.class)
class PrefixListsTest {

    static final String DENY = "sgwarden_deny";
    static final String MEMBER = Accounts.MEMBER;
    static final String REGION = Accounts.REGION;
    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    String announced(String changeId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(changeId).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, changeId)));
        return slack.messagesMentioning(changeId).get(0).allText();
    }

    static double metric(String outcome) {
        return DetectionScenariosTest.metric("sgwarden_prefix_lists_total{outcome=\"" + outcome + "\"}");
    }

    @Test
    void theWorldAddedToAListUsedForSshIsAnnouncedAndDenyTakesExactlyThatEntryOut() {
        String list = PrefixLists.create(moto, MEMBER, REGION, "corp-ips", "10.0.0.0/8", "192.168.0.0/16");
        String bastion = PrefixLists.groupUsing(moto, MEMBER, REGION, "bastion", list, 22);
        String rule = PrefixLists.ruleId(moto, MEMBER, REGION, bastion);
        PrefixLists.Changed changed = PrefixLists.modify(moto, MEMBER, REGION, list, List.of("0.0.0.0/0"), List.of());
        String eventId = PrefixLists.eventId();
        lake.seed(PrefixLists.modifyRecord(eventId, Instant.now().minusSeconds(30), MEMBER, REGION, list,
                changed.seen(), changed.seen(), Shape.WRAPPED));

        String changeId = eventId + "#" + bastion;
        String text = announced(changeId);
        assertTrue(text.contains("added `0.0.0.0/0` in prefix list *corp-ips (" + list + ")* (version 1 → 2)"), text);
        assertTrue(text.contains("Now allowed in *bastion (" + bastion + ")* of account *" + MEMBER), text);
        assertTrue(text.contains("inbound 22/tcp from 0.0.0.0/0 (rule " + rule + ")"), text);
        assertTrue(text.contains("open to the whole internet"), text);
        assertTrue(!text.contains("10.99.0.0/16"), "the request's entries are not believed: " + text);
        String url = slack.newResponseUrl();
        moto.startRecording();

        Clicks.click(DENY, changeId, "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, changeId)));
        assertEquals(PrefixLists.cidrs("10.0.0.0/8", "192.168.0.0/16"),
                PrefixLists.entries(moto, MEMBER, REGION, list));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(url).isEmpty());
        String reply = slack.responses(url).get(0).allText();
        assertTrue(reply.contains("Reverted by @bob"), reply);
        assertTrue(reply.contains("the prefix list has its earlier entries again"), reply);

        // sgwarden's own ModifyManagedPrefixList, as AWS records it, is recognized and not announced
        double own = DetectionScenariosTest.metric(
                "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"own-write\"}");
        OwnRecords.Write write = OwnRecords.lastPrefixList(moto, MEMBER, REGION);
        lake.seed(write.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> DetectionScenariosTest.metric(
                "sgwarden_changes_skipped_total{intake=\"lake\",reason=\"own-write\"}") >= own + 1);
        assertTrue(slack.messagesMentioning(write.eventId()).isEmpty(), "sgwarden's own write is not announced");

        // Restore makes the change again
        String restoreUrl = slack.newResponseUrl();
        Clicks.click("sgwarden_restore", changeId, "U0ALICE", "alice", restoreUrl).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESTORED".equals(Announced.status(moto, changeId)));
        assertEquals(PrefixLists.cidrs("0.0.0.0/0", "10.0.0.0/8", "192.168.0.0/16"),
                PrefixLists.entries(moto, MEMBER, REGION, list));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(restoreUrl).isEmpty());
        assertTrue(slack.responses(restoreUrl).get(0).allText().contains("the prefix list has the change's entries"),
                slack.responses(restoreUrl).get(0).allText());
    }

    @Test
    void twoChangesInARowTheFirstIsStillSeenAndDenyRefusesToUndoTheSecond() {
        String list = PrefixLists.create(moto, MEMBER, REGION, "office", "10.0.0.0/8");
        String admin = PrefixLists.groupUsing(moto, MEMBER, REGION, "admin-ssh", list, 22);
        PrefixLists.Changed widened = PrefixLists.modify(moto, MEMBER, REGION, list, List.of("0.0.0.0/0"),
                List.of());
        // at once, before sgwarden reads anything: the list's latest change removes an entry only
        PrefixLists.modify(moto, MEMBER, REGION, list, List.of(), List.of("10.0.0.0/8"));
        String eventId = PrefixLists.eventId();
        // plain lower-case keys, no response version
        lake.seed(PrefixLists.modifyRecord(eventId, Instant.now().minusSeconds(30), MEMBER, REGION, list,
                widened.seen(), null, Shape.PLAIN));

        String changeId = eventId + "#" + admin;
        String text = announced(changeId);
        assertTrue(text.contains("added `0.0.0.0/0` in prefix list *office (" + list + ")* (version 1 → 2)"), text);
        String url = slack.newResponseUrl();

        Clicks.click(DENY, changeId, "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERT_FAILED".equals(Announced.status(moto, changeId)));
        assertEquals(PrefixLists.cidrs("0.0.0.0/0"), PrefixLists.entries(moto, MEMBER, REGION, list),
                "nothing changed");
        assertEquals(3, PrefixLists.version(moto, MEMBER, REGION, list));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(url).isEmpty());
        String reply = slack.responses(url).get(0).allText();
        assertTrue(reply.contains("changed again since: office (" + list + ") is at version 3"), reply);
    }

    @Test
    void aChangeThatOnlyRemovesPostsNothing() {
        String list = PrefixLists.create(moto, MEMBER, REGION, "partners", "198.51.100.0/24", "203.0.113.0/24");
        PrefixLists.groupUsing(moto, MEMBER, REGION, "partner-ssh", list, 22);
        double before = metric("removal-only");
        PrefixLists.Changed changed = PrefixLists.modify(moto, MEMBER, REGION, list, List.of(),
                List.of("203.0.113.0/24"));
        String eventId = PrefixLists.eventId();
        // no CurrentVersion: the response's version, while in progress, is the one the call started from
        lake.seed(PrefixLists.modifyRecord(eventId, Instant.now().minusSeconds(30), MEMBER, REGION, list, null,
                changed.seen(), Shape.WRAPPED));

        await().atMost(Duration.ofSeconds(30)).until(() -> metric("removal-only") >= before + 1);
        assertTrue(slack.messagesMentioning(eventId).isEmpty(), "nothing posted");
        // the Lake keeps returning it: counted once
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> metric("removal-only") == before + 1);
    }

    @Test
    void anOldWideVersionRestoredIsRevertedAtOnceByPolicy() {
        String list = PrefixLists.create(moto, MEMBER, REGION, "legacy", "10.0.0.0/8", "0.0.0.0/0");
        String telnet = PrefixLists.groupUsing(moto, MEMBER, REGION, "telnet-jump", list, 23);
        // version 2 takes the world out (nothing is posted for that) ...
        PrefixLists.modify(moto, MEMBER, REGION, list, List.of(), List.of("0.0.0.0/0"));
        // ... and the insider restores version 1 as version 3. moto has no RestoreManagedPrefixListVersion:
        // the list gets version 1's entries as a new version the way AWS makes it, and the record is AWS's
        PrefixLists.Changed restored = PrefixLists.modify(moto, MEMBER, REGION, list, List.of("0.0.0.0/0"),
                List.of());
        String eventId = PrefixLists.eventId();
        lake.seed(PrefixLists.restoreRecord(eventId, Instant.now().minusSeconds(30), MEMBER, REGION, list, 1,
                restored.seen()));

        String changeId = eventId + "#" + telnet;
        await().atMost(Duration.ofSeconds(30)).until(() -> "REVERTED".equals(Announced.status(moto, changeId)));
        assertEquals(PrefixLists.cidrs("10.0.0.0/8"), PrefixLists.entries(moto, MEMBER, REGION, list));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.messagesMentioning(changeId).isEmpty());
        String text = slack.messagesMentioning(changeId).get(0).allText();
        assertTrue(text.contains("added `0.0.0.0/0` in prefix list *legacy (" + list + ")* (version 2 → 3)"), text);
        assertTrue(text.contains("inbound 23/tcp from 0.0.0.0/0"), text);
        assertTrue(text.contains("Reverted at once by policy *no-telnet*: the prefix list has its earlier entries"),
                text);
    }

    @Test
    void aListSharedWithAnotherAccountIsPutBackByTheOwnersSpokeRole() {
        String list = PrefixLists.create(moto, MEMBER, REGION, "shared-corp", "10.0.0.0/8");
        // the group is in another account that the list is shared with (RAM)
        String other = PrefixLists.groupUsing(moto, Accounts.CALLER, REGION, "their-ssh", list, 22);
        PrefixLists.Changed changed = PrefixLists.modify(moto, MEMBER, REGION, list, List.of("0.0.0.0/0"), List.of());
        String eventId = PrefixLists.eventId();
        lake.seed(PrefixLists.modifyRecord(eventId, Instant.now().minusSeconds(30), MEMBER, REGION, list,
                changed.seen(), null, Shape.WRAPPED));

        String changeId = eventId + "#" + other;
        String text = announced(changeId);
        assertTrue(text.contains("of account *" + Accounts.CALLER + " / " + REGION + "*"), text);
        String url = slack.newResponseUrl();
        moto.startRecording();

        Clicks.click(DENY, changeId, "U0BOB", "bob", url).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, changeId)));
        assertEquals(PrefixLists.cidrs("10.0.0.0/8"), PrefixLists.entries(moto, MEMBER, REGION, list));
        // the write went through the spoke role of the list's owner
        OwnRecords.Write write = OwnRecords.lastPrefixList(moto, MEMBER, REGION);
        assertTrue(write.principalArn().startsWith("arn:aws:sts::" + MEMBER + ":assumed-role/"
                + OwnRecords.SPOKE_ROLE + "/sgwarden-U0BOB"), write.principalArn());
    }

    @Test
    void aListThatCannotBeReadIsToldToAPersonOnce() {
        double before = metric("unreadable");
        String eventId = PrefixLists.eventId();
        lake.seed(PrefixLists.modifyRecord(eventId, Instant.now().minusSeconds(30), MEMBER, REGION,
                "pl-00000000000000000", 4, null, Shape.PLAIN));

        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(eventId).isEmpty());
        String text = slack.messagesMentioning(eventId).get(0).allText();
        assertTrue(
                text.contains("Could not read* what alice (AssumedRole) changed in prefix list pl-00000000000000000"),
                text);
        assertTrue(text.contains("may now allow more"), text);
        await().atMost(Duration.ofSeconds(10)).until(() -> "UNREADABLE".equals(Announced.status(moto, eventId)));
        // the Lake keeps returning it: told once
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> slack.messagesMentioning(eventId).size() == 1);
        assertEquals(before + 1, metric("unreadable"));
    }

    @Test
    void aListUsedByTwoGroupsIsAnnouncedForEachAndOneDenyPutsItBackForBoth() {
        String list = PrefixLists.create(moto, MEMBER, REGION, "vendors", "203.0.113.0/24");
        String first = PrefixLists.groupUsing(moto, MEMBER, REGION, "vendor-ssh", list, 22);
        String second = PrefixLists.groupUsing(moto, MEMBER, REGION, "vendor-db", list, 5432);
        PrefixLists.Changed changed = PrefixLists.modify(moto, MEMBER, REGION, list, List.of("0.0.0.0/0"), List.of());
        String eventId = PrefixLists.eventId();
        lake.seed(PrefixLists.modifyRecord(eventId, Instant.now().minusSeconds(30), MEMBER, REGION, list,
                changed.seen(), null, Shape.PLAIN));

        assertTrue(announced(eventId + "#" + first).contains("inbound 22/tcp from 0.0.0.0/0"));
        assertTrue(announced(eventId + "#" + second).contains("inbound 5432/tcp from 0.0.0.0/0"));
        String url = slack.newResponseUrl();
        Clicks.click(DENY, eventId + "#" + first, "U0BOB", "bob", url).expect(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "REVERTED".equals(Announced.status(moto, eventId + "#" + first)));
        assertEquals(PrefixLists.cidrs("203.0.113.0/24"), PrefixLists.entries(moto, MEMBER, REGION, list));

        // the list is one for both groups: the second Deny finds the earlier entries back, changes nothing
        String again = slack.newResponseUrl();
        Clicks.click(DENY, eventId + "#" + second, "U0BOB", "bob", again).expect(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "ALREADY_GONE".equals(Announced.status(moto, eventId + "#" + second)));
        assertEquals(3, PrefixLists.version(moto, MEMBER, REGION, list), "no second write");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(again).isEmpty());
        assertTrue(slack.responses(again).get(0).allText().contains("the prefix list already had its earlier entries"),
                slack.responses(again).get(0).allText());
    }

    @Test
    void aListNoGroupUsesIsCountedNotPosted() {
        String list = PrefixLists.create(moto, MEMBER, REGION, "spare", "10.1.0.0/16");
        double before = metric("unused");
        PrefixLists.Changed changed = PrefixLists.modify(moto, MEMBER, REGION, list, List.of("0.0.0.0/0"), List.of());
        String eventId = PrefixLists.eventId();
        lake.seed(PrefixLists.modifyRecord(eventId, Instant.now().minusSeconds(30), MEMBER, REGION, list,
                changed.seen(), changed.seen(), Shape.WRAPPED));

        await().atMost(Duration.ofSeconds(30)).until(() -> metric("unused") >= before + 1);
        assertTrue(slack.messagesMentioning(eventId).isEmpty(), "nothing posted");
    }
}
