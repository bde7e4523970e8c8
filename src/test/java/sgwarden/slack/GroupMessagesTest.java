package sgwarden.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.slack.api.model.Message;

import sgwarden.change.Actor;
import sgwarden.change.Direction;
import sgwarden.change.Peer;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.names.Names;

/** A burst's message within Slack's limits, however many changes and however long their names. */
class GroupMessagesTest {

    private final GroupMessages messages = new GroupMessages();

    GroupMessagesTest() {
        SlackMessages slack = new SlackMessages();
        messages.messages = slack;
        messages.tally = new GroupTally();
        messages.tally.clock = java.time.Clock.systemUTC();
        messages.buttons = new GroupButtons();
        messages.buttons.messages = slack;
        messages.buttons.tally = messages.tally;
        messages.digests = new GroupDigest();
        messages.digests.clock = messages.tally.clock;
        messages.lists = new GroupLists();
        messages.lists.messages = slack;
    }

    static SecurityGroupChange change(int i, String groupId, String cidr, String description) {
        Rule rule = new Rule(String.format("sgr-%017x", i), "tcp", 1000 + i, 1000 + i,
                new Peer(Peer.Kind.IPV4_CIDR, cidr, null), description);
        return new SecurityGroupChange(String.format("0d6c7a52-6a35-4a8e-9ef0-%012d", i), "req",
                "AuthorizeSecurityGroupIngress", Instant.parse("2026-11-28T11:55:00Z").plusSeconds(i), "111111111111",
                i % 2 == 0 ? "eu-west-1" : "us-east-1", groupId, Direction.INGRESS,
                new Actor("arn:aws:sts::111111111111:assumed-role/Deployer/terraform", "AssumedRole", "terraform",
                        "111111111111", "203.0.113.10", "Terraform/1.9.5"),
                List.of(rule), "sqs", "{}");
    }

    static Announcement asked(SecurityGroupChange change, String groupName) {
        return new Announcement(Announcement.Kind.ASK, change, null,
                new Names(groupName, "vpc-0abc", "payments-vpc", "prod-payments"), null, null, "sqs", 0);
    }

    /**
     * Bot-token mode: the digests in a group's thread brought up to date once something was decided or done,
     * all but the one just posted, each without a button and within Slack's limits.
     */
    @Test
    void earlierDigestsAreSettledWithoutButtons() throws IOException {
        sgwarden.store.GroupStore.GroupRecord group = new sgwarden.store.GroupStore.GroupRecord("group#1",
                List.of(), null, null, "C0SECURITY", "1.000001", "sgwarden_group_deny", "bob",
                Instant.parse("2026-12-03T08:20:00Z"), null, List.of("1.000002", "1.000003"));
        assertEquals(List.of("1.000002"), messages.earlierDigests(group, "1.000003", "2 reverted"));
        assertEquals(List.of("1.000002", "1.000003"), messages.earlierDigests(group, null, "2 reverted"));
        assertEquals(List.of(), messages.earlierDigests(group, null, null), "nothing decided or done yet");

        Message settled = messages.settled(":leftwards_arrow_with_hook: Deny all by @bob at <!date^1>: 2 reverted");
        JsonNode blocks = SlackMessagesTest.webhookWire(settled).path("blocks");
        SlackMessagesTest.assertWithinSlackLimits(blocks);
        assertTrue(SlackMessagesTest.sectionTexts(blocks).get(0).startsWith("*Since then:* "),
                SlackMessagesTest.sectionTexts(blocks).toString());
        assertFalse(blocks.toString().contains("action_id"), blocks.toString());
    }

    @Test
    void fiveHundredChangesStayWithinSlackLimitsAndSayHowManyMoreThereAre() throws IOException {
        List<Announcement> members = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            members.add(asked(change(i, String.format("sg-%017x", i % 40), i % 10 == 0 ? "0.0.0.0/0" : "10.0.0.0/8",
                    "<!channel> " + "d".repeat(200)), "web-" + "n".repeat(200) + (i % 40)));
        }
        Message message = messages.announcement(members, "group#00000000-0000-0000-0000-000000000001");

        JsonNode blocks = SlackMessagesTest.webhookWire(message).path("blocks");
        SlackMessagesTest.assertWithinSlackLimits(blocks);
        SlackMessagesTest.assertWithinSlackLimits(SlackMessagesTest.tokenWireBlocks(message));
        List<String> sections = SlackMessagesTest.sectionTexts(blocks);
        assertTrue(sections.get(0).contains("made *500 changes* to *40 security groups* in *prod-payments"
                + " (111111111111)* / eu-west-1, us-east-1"), sections.get(0));
        assertEquals(":warning: *Warning:* 50 rules open to the whole internet", sections.get(1));
        String last = sections.get(sections.size() - 1);
        assertTrue(last.matches("(?s).*• … and \\d+ more$"), last);
        assertTrue(message.getText().startsWith("terraform (AssumedRole) made 500 changes to 40 security groups"),
                message.getText());
        List<String> strings = new ArrayList<>();
        SlackMessagesTest.allStrings(blocks, strings);
        assertTrue(strings.stream().noneMatch(t -> t.contains("<!channel>")), "a name cannot ping the channel");
    }

    /** The list reads by group, then by port, whatever order the changes came in. */
    @Test
    void theRulesAreListedByGroupThenPort() throws IOException {
        // came in as: web 1004, api 1002, web 1000, api 1006 (all in eu-west-1)
        List<Announcement> members = List.of(asked(change(4, "sg-0000000000000000b", "10.0.0.0/8", null), "web"),
                asked(change(2, "sg-0000000000000000a", "10.0.0.0/8", null), "api"),
                asked(change(0, "sg-0000000000000000b", "10.0.0.0/8", null), "web"),
                asked(change(6, "sg-0000000000000000a", "10.0.0.0/8", null), "api"));
        Message message = messages.announcement(members, "group#00000000-0000-0000-0000-000000000002");
        String list = SlackMessagesTest.sectionTexts(SlackMessagesTest.webhookWire(message).path("blocks")).stream()
                .filter(t -> t.contains("to decide on")).findFirst().orElseThrow();
        List<Integer> at = List.of(list.indexOf("*api"), list.indexOf("tcp 1002"), list.indexOf("tcp 1006"),
                list.indexOf("*web"), list.indexOf("tcp 1000"), list.indexOf("tcp 1004"));
        assertTrue(at.stream().allMatch(i -> i >= 0), list);
        assertEquals(List.of(list.indexOf("tcp 1002"), list.indexOf("tcp 1006"), list.indexOf("tcp 1000"),
                list.indexOf("tcp 1004")), List.of(at.get(1), at.get(2), at.get(4), at.get(5)));
        assertTrue(at.get(1) < at.get(2) && at.get(2) < at.get(4) && at.get(4) < at.get(5), "api first, then web, "
                + "each by port: " + list);
    }

    /** Times are shown to the minute: changes a few seconds apart read "at", not "between 11:55 and 11:55". */
    @Test
    void changesInOneMinuteAreAtOneTimeNotBetweenTheSameTwice() throws IOException {
        List<Announcement> members = List.of(asked(change(1, "sg-0000000000000000a", "10.0.0.0/8", null), "web"),
                asked(change(40, "sg-0000000000000000a", "10.1.0.0/16", null), "web"));
        String text = String.join("\n",
                SlackMessagesTest.sectionTexts(SlackMessagesTest.webhookWire(messages.announcement(members, "group#x"))
                        .path("blocks")));
        assertTrue(text.contains(" at <!date^"), text);
        assertFalse(text.contains("between"), text);
    }

    @Test
    void denyAllsConfirmationCountsTheRulesAndGroups() throws IOException {
        List<Announcement> members = List.of(asked(change(1, "sg-0000000000000000a", "0.0.0.0/0", null), "web"),
                asked(change(2, "sg-0000000000000000a", "10.0.0.0/8", null), "web"),
                asked(change(3, "sg-0000000000000000b", "10.0.0.0/8", null), "db"));
        JsonNode blocks = SlackMessagesTest.webhookWire(messages.announcement(members, "group#x")).path("blocks");
        JsonNode actions = SlackMessagesTest.ofType(blocks, "actions").get(0);
        JsonNode deny = null;
        List<String> ids = new ArrayList<>();
        for (JsonNode b : actions.path("elements")) {
            ids.add(b.path("action_id").asText());
            if (b.path("action_id").asText().equals(GroupButtons.DENY_ALL)) {
                deny = b;
            }
        }
        assertEquals(List.of("sgwarden_group_approve_for_1h", "sgwarden_group_approve_for_8h",
                "sgwarden_group_approve_for_24h", "sgwarden_group_approve_for_7d", "sgwarden_group_approve",
                "sgwarden_group_deny", "sgwarden_group_one_by_one"), ids);
        assertTrue(deny.path("confirm").path("text").path("text").asText()
                .startsWith("Deny all removes 3 rules from 2 security groups"), deny.toString());
        assertEquals("Revert 3 changes?", deny.path("confirm").path("title").path("text").asText());
    }

    @Test
    void wideRangesAndHalvesAreCountedInTheGroupsWarning() {
        List<Announcement> members = new ArrayList<>();
        members.add(asked(change(1, "sg-0aaa", "8.0.0.0/8", null), "web"));
        members.add(asked(change(2, "sg-0aaa", "96.0.0.0/6", null), "web"));
        members.add(asked(change(3, "sg-0bbb", "10.0.0.0/8", null), "db"));
        members.add(asked(change(4, "sg-0bbb", "0.0.0.0/0", null), "db"));
        members.add(asked(change(5, "sg-0bbb", "128.0.0.0/1", null), "db"));
        assertEquals(":warning: *Warning:* 2 rules open to the whole internet; 2 rules open to a large part of the"
                + " internet", GroupTally.warnings(members));
        assertEquals(":warning: *Warning:* 1 rule open to a large part of the internet",
                GroupTally.warnings(members.subList(0, 1)));
    }

    @Test
    void theGroupMessageSaysWhichChangesCouldNotBeDecidedOnTags() {
        sgwarden.policy.Policy prod = new sgwarden.policy.Policy("prod-quarantined", sgwarden.policy.Match.ANY,
                sgwarden.policy.Action.QUARANTINE, false, null, 3);
        SecurityGroupChange unread = change(1, "sg-0aaa", "203.0.113.0/24", null);
        sgwarden.policy.Verdict verdict = new sgwarden.policy.Verdict(sgwarden.policy.Action.ASK, null, null, null,
                List.of(new sgwarden.policy.RuleVerdict(unread.rules().get(0), sgwarden.policy.PeerKind.PUBLIC, null,
                        sgwarden.policy.Action.ASK, sgwarden.policy.Action.ASK, prod)));
        List<Announcement> members = List.of(
                new Announcement(Announcement.Kind.ASK, unread, verdict, Names.NONE, null, null, "sqs", 0),
                asked(change(2, "sg-0bbb", "10.0.0.0/8", null), "db"));
        assertEquals(":lock: For 1 change the group's tags could not be read, so policy *prod-quarantined* could not"
                + " be applied: a person decides.", GroupTally.tagsUnread(members));
        assertEquals(null, GroupTally.tagsUnread(members.subList(1, 2)));
    }

    /**
     * A change on sgwarden's own load balancer group in a burst: shown with why it is never reverted, and
     * not counted among the changes Deny all reverts.
     */
    @Test
    void aChangeOnTheOwnLoadBalancerGroupIsShownWithWhyAndLeftOutOfDenyAll() throws IOException {
        SecurityGroupChange own = change(1, "sg-0000000000000000c", "0.0.0.0/0", null);
        List<Announcement> members = List.of(
                new Announcement(Announcement.Kind.APPROVED, own, sgwarden.policy.OwnGroup.verdict(own),
                        new Names("ecs-express-sgwarden-lb", "vpc-0abc", "security-vpc", "security"), null, null,
                        "sqs", 0),
                asked(change(2, "sg-0000000000000000a", "10.0.0.0/8", null), "web"));
        JsonNode blocks = SlackMessagesTest.webhookWire(messages.announcement(members, "group#own")).path("blocks");
        SlackMessagesTest.assertWithinSlackLimits(blocks);
        String shown = String.join("\n", SlackMessagesTest.sectionTexts(blocks));
        assertTrue(shown.contains(":shield: *Announced, never reverted:* sgwarden's own load balancer group:"
                + " reverting it would cut Slack off from sgwarden"), shown);
        assertTrue(shown.contains("ecs-express-sgwarden-lb") && shown.contains("0.0.0.0/0"), "the change in full: "
                + shown);
        JsonNode deny = null;
        for (JsonNode b : SlackMessagesTest.ofType(blocks, "actions").get(0).path("elements")) {
            if (b.path("action_id").asText().equals(GroupButtons.DENY_ALL)) {
                deny = b;
            }
        }
        assertTrue(deny.path("confirm").path("text").path("text").asText()
                .startsWith("Deny all removes 1 rule from 1 security group"), deny.toString());
    }
}
