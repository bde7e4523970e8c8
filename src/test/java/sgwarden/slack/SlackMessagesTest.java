package sgwarden.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.Gson;
import com.slack.api.model.Message;
import com.slack.api.util.json.GsonFactory;

import sgwarden.change.Actor;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Direction;
import sgwarden.change.KnownForm;
import sgwarden.change.Peer;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;

/** The Block Kit messages, as they go on the wire in webhook mode (plain Gson) and token mode (the SDK's Gson). */
class SlackMessagesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HEADLINE = "alice (AssumedRole) added inbound tcp 22 from 0.0.0.0/0 to sg-0a1b2c3d4e5f60718"
            + " in 111111111111 / eu-west-1";
    static final String ESCAPED_DESCRIPTION = "&lt;!channel&gt; *\u200Bclick*\u200B "
            + "&lt;http://evil.example|aws.amazon.com&gt; @\u200Bhere";

    private final SlackMessages messages = new SlackMessages();

    static String fixture(String name) {
        try (InputStream in = SlackMessagesTest.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SecurityGroupChange change(String fixture) {
        SecurityGroupChange change = new CloudTrailParser(new ObjectMapper()).parse(fixture(fixture), "test");
        assertNotNull(change);
        return change;
    }

    /** The message as camel-slack posts it to a webhook. */
    static JsonNode webhookWire(Message message) throws IOException {
        return JSON.readTree(new Gson().toJson(message));
    }

    /** The blocks as the SDK writes them for chat.postMessage. */
    static JsonNode tokenWireBlocks(Message message) throws IOException {
        return JSON.readTree(GsonFactory.createSnakeCase().toJson(message.getBlocks()));
    }

    static List<JsonNode> ofType(JsonNode blocks, String type) {
        List<JsonNode> found = new ArrayList<>();
        blocks.forEach(b -> {
            if (type.equals(b.path("type").asText())) {
                found.add(b);
            }
        });
        return found;
    }

    static List<String> sectionTexts(JsonNode blocks) {
        return ofType(blocks, "section").stream().map(b -> b.path("text").path("text").asText()).toList();
    }

    /** The text without the date tokens the service itself writes (the only markup it adds). */
    static String withoutDates(String text) {
        return text.replaceAll("<!date\\^\\d+\\^\\{date_short_pretty\\} \\{time\\}\\|[^<>|]+>", "");
    }

    static void allStrings(JsonNode node, List<String> out) {
        if (node.isTextual()) {
            out.add(node.asText());
        }
        node.forEach(child -> allStrings(child, out));
    }

    static void allKeys(JsonNode node, Set<String> out) {
        node.fieldNames().forEachRemaining(out::add);
        node.forEach(child -> allKeys(child, out));
    }

    /** What both serialisations must show for the world-open announcement. */
    private static void assertWorldOpenBlocks(JsonNode blocks) {
        assertTrue(blocks.isArray(), blocks.toString());
        assertTrue(blocks.size() <= 50);

        Set<String> keys = new HashSet<>();
        allKeys(blocks, keys);
        assertTrue(keys.contains("action_id"), keys.toString());
        assertTrue(keys.contains("block_id"), keys.toString());
        assertFalse(keys.contains("actionId"), keys.toString());
        assertFalse(keys.contains("blockId"), keys.toString());

        List<JsonNode> actions = ofType(blocks, "actions");
        assertEquals(1, actions.size());
        JsonNode actionBlock = actions.get(0);
        assertEquals(SlackMessages.ACTIONS_BLOCK, actionBlock.path("block_id").asText());
        JsonNode buttons = actionBlock.path("elements");
        // Approve for each default duration (1 h, 8 h, 24 h, 7 d), Approve permanently, Deny
        assertEquals(6, buttons.size());
        JsonNode approve = buttons.get(0);
        JsonNode deny = buttons.get(5);
        assertEquals("button", approve.path("type").asText());
        assertEquals("sgwarden_approve_for_1h", approve.path("action_id").asText());
        assertEquals("Approve for 1 h", approve.path("text").path("text").asText());
        assertEquals("plain_text", approve.path("text").path("type").asText());
        assertEquals("primary", approve.path("style").asText());
        assertEquals("Approve for 7 d", buttons.get(3).path("text").path("text").asText());
        assertEquals("sgwarden_approve", buttons.get(4).path("action_id").asText());
        assertEquals("Approve permanently", buttons.get(4).path("text").path("text").asText());
        assertTrue(buttons.get(4).path("confirm").isMissingNode());
        assertEquals("6f0c1e4a-2b7d-4c59-9a3e-81d2f5b0c7e1", approve.path("value").asText());
        assertTrue(approve.path("confirm").isMissingNode(), "Approve asks for no confirmation");

        assertEquals("button", deny.path("type").asText());
        assertEquals("sgwarden_deny", deny.path("action_id").asText());
        assertEquals("Deny", deny.path("text").path("text").asText());
        assertEquals("danger", deny.path("style").asText());
        assertEquals("6f0c1e4a-2b7d-4c59-9a3e-81d2f5b0c7e1", deny.path("value").asText());
        JsonNode confirm = deny.path("confirm");
        assertTrue(confirm.isObject(), "Deny asks for confirmation");
        for (String part : List.of("title", "text", "confirm", "deny")) {
            assertEquals("plain_text", confirm.path(part).path("type").asText(), part);
            assertFalse(confirm.path(part).path("text").asText().isBlank(), part);
        }
        assertTrue(confirm.path("title").path("text").asText().length() <= 100);
        assertTrue(confirm.path("text").path("text").asText().length() <= 300);
        assertEquals("danger", confirm.path("style").asText());

        List<String> sections = sectionTexts(blocks);
        assertTrue(sections.contains(":warning: *Warning:* open to the whole internet (0.0.0.0/0)"),
                sections.toString());
        String summary = sections.get(0);
        assertTrue(summary.startsWith("*alice* (AssumedRole) added inbound tcp 22 from `0.0.0.0/0`"), summary);
        assertTrue(summary.contains("*sg-0a1b2c3d4e5f60718*"), summary);
        assertTrue(summary.contains("*111111111111 / eu-west-1*"), summary);
        assertTrue(summary.contains("2026-11-28 11:55 UTC"), summary);
        assertTrue(summary.contains(ESCAPED_DESCRIPTION), summary);

        // nothing from the record can mention, link or format
        List<String> strings = new ArrayList<>();
        allStrings(blocks, strings);
        for (String s : strings) {
            assertFalse(s.contains("<!channel>"), s);
            assertFalse(s.contains("<http"), s);
            assertFalse(s.contains("@here"), s);
            assertFalse(s.contains("*click*"), s);
        }
        String decoded = blocks.toString();
        assertTrue(decoded.contains("&lt;!channel&gt;"), decoded);
        assertFalse(withoutDates(decoded).contains("<"), decoded);

        List<JsonNode> context = ofType(blocks, "context");
        assertEquals(1, context.size());
        String ctx = context.get(0).path("elements").get(0).path("text").asText();
        assertTrue(ctx.contains("6f0c1e4a-2b7d-4c59-9a3e-81d2f5b0c7e1"), ctx);
        assertTrue(ctx.contains("arn:aws:sts::111111111111:assumed-role/Admin/alice"), ctx);
        assertTrue(ctx.contains("203.0.113.10"), ctx);
        assertFalse(ctx.contains("caller account"), ctx);

        assertWithinSlackLimits(blocks);
    }

    static void assertWithinSlackLimits(JsonNode blocks) {
        assertTrue(blocks.size() <= 50, "blocks: " + blocks.size());
        for (JsonNode block : blocks) {
            switch (block.path("type").asText()) {
                case "section" -> assertTrue(block.path("text").path("text").asText().length() <= 3000,
                        "section of " + block.path("text").path("text").asText().length());
                case "context" -> block.path("elements")
                        .forEach(e -> assertTrue(e.path("text").asText().length() <= 3000));
                case "actions" -> block.path("elements").forEach(b -> {
                    assertTrue(b.path("text").path("text").asText().length() <= 75);
                    assertTrue(b.path("value").asText().length() <= 2000);
                    assertTrue(b.path("action_id").asText().length() <= 255);
                    // no style is Slack's default; a style given must be primary or danger
                    assertTrue(!b.has("style") || Set.of("primary", "danger").contains(b.path("style").asText()));
                });
                default -> throw new AssertionError("unexpected block " + block);
            }
        }
    }

    @Test
    void headline() {
        SecurityGroupChange change = change("ingress-tcp-22-world.json");
        assertEquals(HEADLINE, messages.headline(change));
        assertEquals(HEADLINE, messages.announcement(change).getText());
    }

    @Test
    void announcementAsCamelSlackPostsItToAWebhook() throws IOException {
        Message message = messages.announcement(change("ingress-tcp-22-world.json"));
        JsonNode wire = webhookWire(message);
        assertEquals(HEADLINE, wire.path("text").asText());
        assertWorldOpenBlocks(wire.path("blocks"));
        String raw = new Gson().toJson(message);
        assertFalse(raw.contains("actionId"), raw);
        assertFalse(raw.contains("blockId"), raw);
        assertFalse(raw.contains("<!channel>"), raw);
    }

    @Test
    void announcementAsTheSdkPostsIt() throws IOException {
        Message message = messages.announcement(change("ingress-tcp-22-world.json"));
        assertWorldOpenBlocks(tokenWireBlocks(message));
        String raw = GsonFactory.createSnakeCase().toJson(message.getBlocks());
        assertFalse(raw.contains("actionId"), raw);
        assertFalse(raw.contains("<!channel>"), raw);
    }

    @Test
    void bothSerialisationsAgree() throws IOException {
        Message message = messages.announcement(change("ingress-tcp-22-world.json"));
        assertEquals(webhookWire(message).path("blocks"), tokenWireBlocks(message));
    }

    @Test
    void crossAccountCallerIsShown() throws IOException {
        SecurityGroupChange change = change("cross-account-caller.json");
        assertEquals("alice (AssumedRole) added inbound tcp 3389 from 203.0.113.0/24 to sg-0a1b2c3d4e5f60718"
                + " in 111111111111 / eu-west-1", messages.headline(change));
        JsonNode blocks = webhookWire(messages.announcement(change)).path("blocks");
        String ctx = ofType(blocks, "context").get(0).path("elements").get(0).path("text").asText();
        assertTrue(ctx.contains("caller account 222222222222"), ctx);
        assertTrue(sectionTexts(blocks).stream().noneMatch(s -> s.contains("Warning")), "no warning for a /24 on 3389");
    }

    @Test
    void allTrafficWarns() throws IOException {
        JsonNode blocks = webhookWire(messages.announcement(change("all-traffic.json"))).path("blocks");
        assertTrue(sectionTexts(blocks).contains(":warning: *Warning:* all protocols"),
                sectionTexts(blocks).toString());
    }

    @Test
    void ipv6WorldWarns() throws IOException {
        JsonNode blocks = webhookWire(messages.announcement(change("ipv6.json"))).path("blocks");
        assertTrue(sectionTexts(blocks).contains(":warning: *Warning:* open to the whole internet (::/0)"),
                sectionTexts(blocks).toString());
    }

    @Test
    void severalRulesAreListed() throws IOException {
        SecurityGroupChange change = change("multi-permission.json");
        assertEquals("alice (AssumedRole) added 6 inbound rules to sg-0e1f2a3b4c5d6e7f8 in 111111111111 / eu-west-1",
                messages.headline(change));
        JsonNode blocks = webhookWire(messages.announcement(change)).path("blocks");
        String summary = sectionTexts(blocks).get(0);
        assertTrue(summary.contains("6 inbound rules"), summary);
        assertTrue(summary.contains("\n• tcp 443 from `10.0.0.0/16` (“vpc a”)"), summary);
        assertTrue(summary.contains("\n• tcp 443 from `2001:db8::/32`"), summary);
        assertTrue(summary.contains("\n• tcp 443 from `pl-0abc1234def567890`"), summary);
        assertTrue(summary.contains("\n• tcp 8080-8090 from `172.16.0.0/12`"), summary);
        assertTrue(summary.contains("\n• udp 1000-2000 from `sg-0999888777666555a (account 111111111111)`"), summary);
        assertFalse(summary.contains("more"), summary);
        assertWithinSlackLimits(blocks);
    }

    /** What a reader copies out of a code span is what CloudTrail said: no invisible characters. */
    @Test
    void codeSpansCopyOutAsTheOriginal() throws IOException {
        String arn = "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0a1b/alice_smith@example.com";
        String agent = "Terraform/1.9.8 (+https://www.terraform.io) aws-sdk-go_v2/1.32.4 <a&b>";
        ObjectNode record = (ObjectNode) JSON.readTree(fixture("ingress-tcp-22-world.json"));
        ((ObjectNode) record.path("userIdentity")).put("arn", arn);
        record.put("userAgent", agent);
        SecurityGroupChange change = new CloudTrailParser(JSON).parse(JSON.writeValueAsString(record), "test");
        for (JsonNode blocks : List.of(webhookWire(messages.announcement(change)).path("blocks"),
                tokenWireBlocks(messages.announcement(change)))) {
            List<String> strings = new ArrayList<>();
            allStrings(blocks, strings);
            String context = strings.stream().filter(t -> t.contains("principal `")).findFirst().orElseThrow();
            assertEquals(arn, copiedOut(context, "principal `"));
            assertEquals(agent, copiedOut(context, "agent `"));
        }
    }

    /** The text of the code span after the label, as Slack shows it (it turns its three escapes back). */
    private static String copiedOut(String mrkdwn, String label) {
        int start = mrkdwn.indexOf(label) + label.length();
        String span = mrkdwn.substring(start, mrkdwn.indexOf('`', start));
        return span.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    @Test
    void twoHundredRulesStayWithinSlackLimits() throws IOException {
        String hostile = ("<!channel> *x* _y_ ~z~ `c` @everyone <http://evil.example|ok> & ").repeat(20);
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rules.add(new Rule(String.format("sgr-%017x", i), i % 2 == 0 ? "tcp" : "udp", 1000 + i, 1000 + i,
                    new Peer(Peer.Kind.IPV4_CIDR, "10." + (i / 256) + "." + (i % 256) + ".0/24", null), hostile));
        }
        rules.add(new Rule("sgr-0ffffffffffffffff", "tcp", 22, 22, new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null),
                null));
        SecurityGroupChange change = new SecurityGroupChange("0d6c7a52-6a35-4a8e-9ef0-5c1a3a6b9f11", "req",
                "AuthorizeSecurityGroupIngress", Instant.parse("2026-11-28T11:55:00Z"), "111111111111", "eu-west-1",
                "sg-0a1b2c3d4e5f60718", Direction.INGRESS,
                new Actor("arn:aws:sts::111111111111:assumed-role/Admin/" + "m".repeat(64), "AssumedRole",
                        "m".repeat(400), "111111111111", "203.0.113.10", "ua/" + "x".repeat(1000)),
                rules, "test", "{}");
        Message message = messages.announcement(change);
        assertTrue(message.getText().length() <= 3000);
        assertTrue(message.getText().contains("201 inbound rules"), message.getText());
        for (JsonNode blocks : List.of(webhookWire(message).path("blocks"), tokenWireBlocks(message))) {
            assertWithinSlackLimits(blocks);
            String summary = sectionTexts(blocks).get(0);
            assertTrue(summary.contains("201 inbound rules"), summary.substring(0, 300));
            assertTrue(summary.matches("(?s).*\n• … and \\d+ more$"), summary.substring(summary.length() - 100));
            List<String> strings = new ArrayList<>();
            allStrings(blocks, strings);
            strings.forEach(s -> {
                assertFalse(withoutDates(s).contains("<"), s);
                assertFalse(s.contains("@everyone"), s);
            });
            assertTrue(sectionTexts(blocks).contains(":warning: *Warning:* open to the whole internet (0.0.0.0/0)"));
            assertEquals(6, ofType(blocks, "actions").get(0).path("elements").size());
        }
        List<Map<String, Object>> decided = messages.decided(change, "Denied by <@U1> at 12:00 UTC", true);
        assertWithinSlackLimits(JSON.valueToTree(decided));
    }

    @Test
    void longSingleRuleStaysWithinSlackLimits() throws IOException {
        Rule rule = new Rule("sgr-0123456789abcdef0", "tcp", 22, 22, new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null),
                "<!here> ".repeat(400));
        SecurityGroupChange change = new SecurityGroupChange("e", "r", "AuthorizeSecurityGroupIngress",
                Instant.parse("2026-11-28T11:55:00Z"), "111111111111", "eu-west-1", "sg-0a1b2c3d4e5f60718",
                Direction.INGRESS, new Actor(null, "IAMUser", "*".repeat(5000), "111111111111", null, null),
                List.of(rule), "test", "{}");
        JsonNode blocks = webhookWire(messages.announcement(change)).path("blocks");
        assertWithinSlackLimits(blocks);
    }

    @Test
    void decidedMessageOffersDenyAgainOnlyWhenAsked() throws IOException {
        SecurityGroupChange change = change("ingress-tcp-22-world.json");
        JsonNode again = JSON.readTree(new Gson().toJson(messages.decided(change, "Revert failed", true)));
        JsonNode buttons = ofType(again, "actions").get(0).path("elements");
        assertEquals(1, buttons.size());
        assertEquals("sgwarden_deny", buttons.get(0).path("action_id").asText());
        assertEquals("Deny again", buttons.get(0).path("text").path("text").asText());
        assertTrue(buttons.get(0).path("confirm").isObject());
        assertTrue(sectionTexts(again).contains("Revert failed"));

        JsonNode done = JSON.readTree(new Gson().toJson(messages.decided(change, "Approved", false)));
        assertTrue(ofType(done, "actions").isEmpty());
        assertTrue(sectionTexts(done).contains("Approved"));
        assertWithinSlackLimits(done);
    }

    // --- Mrkdwn ---

    @Test
    void mrkdwnEscapesSlackControlCharacters() {
        assertEquals("&amp;&lt;&gt;", Mrkdwn.escape("&<>"));
        assertEquals("&lt;!channel&gt;", Mrkdwn.escape("<!channel>"));
        assertEquals("&amp;lt;", Mrkdwn.escape("&lt;"), "entities in the input stay literal");
        assertEquals("&lt;http://evil.example|aws.amazon.com&gt;",
                Mrkdwn.escape("<http://evil.example|aws.amazon.com>"));
        assertEquals(ESCAPED_DESCRIPTION,
                Mrkdwn.escape("<!channel> *click* <http://evil.example|aws.amazon.com> @here"));
    }

    @Test
    void mrkdwnBreaksFormattingAndMentions() {
        assertEquals("*\u200Bb*\u200B _\u200Bi_\u200B ~\u200Bs~\u200B `\u200Bc`\u200B",
                Mrkdwn.escape("*b* _i_ ~s~ `c`"));
        assertEquals("@\u200Bhere @\u200Bchannel @\u200Beveryone", Mrkdwn.escape("@here @channel @everyone"));
        assertEquals("a b c", Mrkdwn.escape("a\nb\rc"));
    }

    @Test
    void mrkdwnLeavesPlainTextAlone() {
        assertEquals("", Mrkdwn.escape(null));
        assertEquals("", Mrkdwn.escape(""));
        assertEquals("sg-0a1b2c3d4e5f60718 10.0.0.0/16 2001:db8::/32 eu-west-1",
                Mrkdwn.escape("sg-0a1b2c3d4e5f60718 10.0.0.0/16 2001:db8::/32 eu-west-1"));
        assertEquals("“quoted” – ünïcode", Mrkdwn.escape("“quoted” – ünïcode"));
    }

    @Test
    void mrkdwnCutsToTheLimit() {
        assertEquals("short", Mrkdwn.escape("short", 10));
        assertEquals("exactly10!", Mrkdwn.escape("exactly10!", 10));
        String cut = Mrkdwn.escape("x".repeat(50), 10);
        assertEquals(10, cut.length());
        assertEquals("xxxxxxxxx…", cut);
        // the limit counts the escaped text
        assertTrue(Mrkdwn.escape("<".repeat(100), 50).length() <= 50);
        assertEquals("", Mrkdwn.escape(null, 5));
    }

    @Test
    void mrkdwnCutsOnlyBetweenWholeEscapes() {
        // "&lt;&…" shows a stray "&"; the cut must fall before or after a whole "&lt;"
        assertEquals("&lt;…", Mrkdwn.escape("<<<<", 6));
        // a lone "*" without its zero-width space can pair with the "*" that follows in the section
        assertEquals("ab…", Mrkdwn.escape("ab*cdef", 4));
        // half an emoji is not text
        String cut = Mrkdwn.escape("ab\uD83D\uDE00cd", 4);
        assertFalse(Character.isHighSurrogate(cut.charAt(cut.length() - 2)), cut);
    }

    @Test
    void namesStandNextToTheIdsAndAreEscaped() throws IOException {
        SecurityGroupChange change = change("ingress-tcp-22-world.json");
        Message message = messages.announcement(change,
                new sgwarden.names.Names("web-frontend", "vpc-0abc", "payments-vpc", "prod-payments"));

        assertEquals("alice (AssumedRole) added inbound tcp 22 from 0.0.0.0/0 to web-frontend (sg-0a1b2c3d4e5f60718)"
                + " in prod-payments (111111111111) / eu-west-1", webhookWire(message).path("text").asText());
        String summary = sectionTexts(webhookWire(message).path("blocks")).get(0);
        assertTrue(summary.contains("to *web-frontend (sg-0a1b2c3d4e5f60718)* in vpc-0abc / payments-vpc, account"
                + " *prod-payments (111111111111) / eu-west-1*"), summary);
        // Slack shows the time in each reader's own zone; UTC is the fallback text
        assertTrue(summary.contains("at <!date^" + change.eventTime().getEpochSecond()
                + "^{date_short_pretty} {time}|2026-11-28 11:55 UTC>"), summary);

        // a name is whatever someone typed in AWS: it cannot mention a channel or fake a link
        String hostile = sectionTexts(webhookWire(messages.announcement(change,
                new sgwarden.names.Names("<!channel> *x*", "vpc-0abc", "<http://evil|aws>", "<!here>")))
                .path("blocks")).get(0);
        assertFalse(hostile.contains("<!channel>") || hostile.contains("<!here>") || hostile.contains("<http"),
                hostile);

        // nothing known: exactly the IDs, as before
        assertEquals(HEADLINE, messages.headline(change, sgwarden.names.Names.NONE));
        String plain = sectionTexts(webhookWire(messages.announcement(change, sgwarden.names.Names.NONE))
                .path("blocks")).get(0);
        assertTrue(plain.contains("to *sg-0a1b2c3d4e5f60718* in *111111111111 / eu-west-1*"), plain);
    }

    static KnownForm inboundFrom(String ruleId, String cidr) {
        return new KnownForm(Direction.INGRESS, new Rule(ruleId, "tcp", 6379, 6379,
                new Peer(Peer.Kind.IPV4_CIDR, cidr, null), "redis"));
    }

    @Test
    void aWidenedRuleIsShownBeforeAndAfterWithTheWarnings() throws IOException {
        SecurityGroupChange change = change("modify-single.json")
                .withEarlier(Map.of("sgr-0aa11bb22cc33dd44", inboundFrom("sgr-0aa11bb22cc33dd44", "10.0.0.0/8")));
        Message message = messages.announcement(change);
        String all = webhookWire(message).toString();
        assertTrue(all.contains("tcp 6379 from 10.0.0.0/8 → tcp 6379 from `0.0.0.0/0`"), all);
        assertTrue(all.contains("changed inbound rule `sgr-0aa11bb22cc33dd44` in *sg-0a1b2c3d4e5f60718*"
                + " in *111111111111 / eu-west-1*"), all);
        assertTrue(all.contains("open to the whole internet (0.0.0.0/0)"), all);
        assertEquals("alice (AssumedRole) changed rule sgr-0aa11bb22cc33dd44: tcp 6379 from 10.0.0.0/8 → tcp 6379"
                + " from 0.0.0.0/0 in sg-0a1b2c3d4e5f60718 in 111111111111 / eu-west-1", messages.headline(change));
        assertTrue(all.contains("put back to its earlier form"), all);
    }

    /** Deny's dialog names what it undoes and where, so a person confirms the rule they mean. */
    @Test
    void denysDialogNamesTheRuleAndTheGroup() throws IOException {
        SecurityGroupChange opened = opened("0.0.0.0/0");
        assertEquals("Remove tcp 22 from 0.0.0.0/0 on " + opened.groupId() + "?",
                SlackMessages.confirmTitle(opened, sgwarden.names.Names.NONE));
        assertTrue(webhookWire(messages.announcement(opened)).toString()
                .contains("Remove tcp 22 from 0.0.0.0/0 on " + opened.groupId() + "?"));
        assertEquals("Remove 2 rules from " + opened.groupId() + "?",
                SlackMessages.confirmTitle(opened("0.0.0.0/0", "::/0"), sgwarden.names.Names.NONE));
        SecurityGroupChange widened = change("modify-single.json")
                .withEarlier(Map.of("sgr-0aa11bb22cc33dd44", inboundFrom("sgr-0aa11bb22cc33dd44", "10.0.0.0/8")));
        assertEquals("Put back tcp 6379 from 10.0.0.0/8 on sg-0a1b2c3d4e5f60718?",
                SlackMessages.confirmTitle(widened, sgwarden.names.Names.NONE));
        String longName = "x".repeat(200);
        assertTrue(SlackMessages.confirmTitle(opened, new sgwarden.names.Names(longName, null, null, null))
                .length() <= SlackMessages.TITLE_MAX);
    }

    @Test
    void anUnknownEarlierFormIsSaidPlainlyAndTheDialogSaysDenyRemovesTheRule() throws IOException {
        SecurityGroupChange change = change("modify-single.json");
        String all = webhookWire(messages.announcement(change)).toString();
        assertTrue(all.contains("earlier form not known (sgwarden had not seen this rule) → tcp 6379 with `0.0.0.0/0`"),
                all);
        String dialog = SlackMessages.confirmText(change);
        assertTrue(dialog.contains("Deny removes the rule sgr-0aa11bb22cc33dd44"), dialog);
        assertTrue(dialog.length() <= 300);
    }

    @Test
    void severalModifiedRulesAreAllShown() throws IOException {
        SecurityGroupChange change = change("modify-several-eventbridge.json")
                .withEarlier(Map.of("sgr-0aa11bb22cc33dd44", inboundFrom("sgr-0aa11bb22cc33dd44", "10.0.0.0/8")));
        String all = webhookWire(messages.announcement(change)).toString();
        assertTrue(all.contains("changed 4 rules in *sg-0a1b2c3d4e5f60718*"), all);
        assertTrue(all.contains("• `sgr-0aa11bb22cc33dd44` inbound tcp 6379 from 10.0.0.0/8 → tcp all ports from"
                + " `10.0.0.0/8`"), all);
        assertTrue(all.contains("• `sgr-0bb22cc33dd44ee55` earlier form not known"), all);
        assertTrue(all.contains("`sgr-0cc33dd44ee55ff66`") && all.contains("`pl-0123456789abcdef0`"), all);
        assertTrue(all.contains("`sgr-0dd44ee55ff66aa77`") && all.contains("`sg-0fedcba9876543210`"), all);
        assertTrue(all.contains("open to the whole internet (::/0); all protocols"), all);
        String dialog = SlackMessages.confirmText(change);
        assertTrue(dialog.contains("earlier form of 3 of the 4 rules is not known"), dialog);
        assertTrue(dialog.length() <= 300);
    }

    static SecurityGroupChange opened(String... cidrs) {
        List<Rule> rules = new ArrayList<>();
        int n = 0;
        for (String cidr : cidrs) {
            rules.add(new Rule(String.format("sgr-%017x", ++n), "tcp", 22, 22,
                    new Peer(cidr.contains(":") ? Peer.Kind.IPV6_CIDR : Peer.Kind.IPV4_CIDR, cidr, null), null));
        }
        return new SecurityGroupChange("0d6c7a52-6a35-4a8e-9ef0-000000000001", "req",
                "AuthorizeSecurityGroupIngress", Instant.parse("2026-11-28T11:55:00Z"), "111111111111", "eu-west-1",
                "sg-0a1b2c3d4e5f60718", Direction.INGRESS,
                new Actor("arn:aws:sts::111111111111:assumed-role/Admin/alice", "AssumedRole", "alice",
                        "111111111111", "203.0.113.10", "aws-cli/2.22.4"),
                rules, "sqs", "{}");
    }

    @Test
    void halvesAndWideRangesAreWarnedOf() throws IOException {
        assertEquals(":warning: *Warning:* open to the whole internet (0.0.0.0/1, 128.0.0.0/1)",
                SlackMessages.warning(opened("0.0.0.0/1", "128.0.0.0/1")));
        assertEquals(":warning: *Warning:* open to the whole internet (0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/2,"
                + " 192.0.0.0/2)",
                SlackMessages.warning(opened("0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2",
                        "192.0.0.0/2")));
        assertEquals(":warning: *Warning:* open to a large part of the internet (8.0.0.0/8, 2600::/16)",
                SlackMessages.warning(opened("8.0.0.0/8", "2600::/16", "10.0.0.0/8", "8.8.8.0/24")));
        assertEquals(":warning: *Warning:* open to the whole internet (::/1); open to a large part of the internet"
                + " (64.0.0.0/2)", SlackMessages.warning(opened("::/1", "64.0.0.0/2")));
        assertEquals(null, SlackMessages.warning(opened("8.0.0.0/9", "10.0.0.0/8")), "a /9 is not wide");
        // a change of hundreds of rules names five
        String[] many = new String[200];
        for (int i = 0; i < many.length; i++) {
            many[i] = (i + 1) + ".0.0.0/8";
        }
        // 10.0.0.0/8 and 127.0.0.0/8 are not public
        assertEquals(":warning: *Warning:* open to a large part of the internet (1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8,"
                + " 4.0.0.0/8, 5.0.0.0/8 and 193 more)", SlackMessages.warning(opened(many)));
        // and the whole message shows it
        List<String> sections = sectionTexts(webhookWire(messages.announcement(opened("0.0.0.0/1", "128.0.0.0/1")))
                .path("blocks"));
        assertTrue(sections.contains(":warning: *Warning:* open to the whole internet (0.0.0.0/1, 128.0.0.0/1)"),
                sections.toString());
    }
}
