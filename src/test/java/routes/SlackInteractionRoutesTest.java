package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.slack.SlackSignature;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Aws;
import sgwarden.testing.Clicks;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Profiles;
import sgwarden.testing.Records;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/** Decisions from Slack: verified, allowed, recorded once, and acted on in the owning account. */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class SlackInteractionRoutesTest {

    static final String APPROVE = "sgwarden_approve";
    static final String DENY = "sgwarden_deny";

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    Accounts.Change openSsh() {
        return Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
    }

    List<String> rulesNow(Accounts.Change change) {
        return Accounts.rulesNow(moto, change);
    }

    String ruleId(Accounts.Change change) {
        return change.rules().get(0).securityGroupRuleId();
    }

    @Test
    void denyRevertsTheRuleInTheAccountThatOwnsTheGroup() {
        Accounts.Change change = openSsh();
        double denies = DetectionScenariosTest.metric("sgwarden_decisions_total{kind=\"deny\"}");
        double reverted = DetectionScenariosTest.metric("sgwarden_reverts_total{outcome=\"REVERTED\"}");
        assertTrue(rulesNow(change).contains(ruleId(change)));
        String responseUrl = slack.newResponseUrl();

        Clicks.click(DENY, change.eventId(), "U0BOB", "bob", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        assertFalse(rulesNow(change).contains(ruleId(change)), "the rule is gone from account 111111111111");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        SlackStandIn.Received update = slack.responses(responseUrl).get(0);
        assertTrue(update.json().path("replace_original").asBoolean());
        assertTrue(update.allText().contains("Reverted by @bob at "), update.allText());
        assertTrue(update.allText().contains(change.groupId()), "keeps the change summary");
        assertFalse(update.allText().contains("sgwarden_deny"), "no buttons once decided");
        Map<String, AttributeValue> item = Announced.item(moto, change.eventId());
        assertEquals("DENY", item.get("decision").s());
        assertEquals("U0BOB", item.get("decidedBy").s());
        assertEquals("bob", item.get("decidedByName").s());
        assertTrue(item.containsKey("decidedAt") && item.containsKey("outcomeAt"));
        assertEquals(2, item.get("history").l().size(), "the decision and the outcome");
        assertEquals(denies + 1, DetectionScenariosTest.metric("sgwarden_decisions_total{kind=\"deny\"}"));
        assertEquals(reverted + 1, DetectionScenariosTest.metric("sgwarden_reverts_total{outcome=\"REVERTED\"}"));
    }

    @Test
    void approveLeavesTheRuleInPlace() {
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();

        Clicks.click(APPROVE, change.eventId(), "U0ALICE", "alice", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertEquals("APPROVED", Announced.status(moto, change.eventId()));
        assertTrue(slack.responses(responseUrl).get(0).allText().contains("Approved by @alice at "));
        assertTrue(rulesNow(change).contains(ruleId(change)));
    }

    @Test
    void requestsNotSignedBySlackGet401AndChangeNothing() {
        Accounts.Change change = openSsh();
        String body = Clicks.form(Clicks.payload(DENY, change.eventId(), "U0BOB", "bob", slack.newResponseUrl()));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        String secret = SlackStandInResource.SIGNING_SECRET;

        // wrong signature
        Clicks.send(body, now, SlackSignature.sign("not-the-secret", Long.toString(now), bytes)).expect(401);
        // missing headers
        Clicks.send(body, 0, null).expect(401);
        Clicks.send(body, now, null).expect(401);
        // 6 minutes old, and 6 minutes ahead
        long old = now - 360;
        Clicks.send(body, old, SlackSignature.sign(secret, Long.toString(old), bytes)).expect(401);
        long ahead = now + 360;
        Clicks.send(body, ahead, SlackSignature.sign(secret, Long.toString(ahead), bytes)).expect(401);
        // body altered after signing: Approve signed, Deny sent
        String approve = Clicks.form(Clicks.payload(APPROVE, change.eventId(), "U0BOB", "bob", slack.newResponseUrl()));
        Clicks.send(body, now,
                SlackSignature.sign(secret, Long.toString(now), approve.getBytes(StandardCharsets.UTF_8)))
                .expect(401).saying("invalid request signature");

        assertEquals("PENDING", Announced.status(moto, change.eventId()));
        assertTrue(rulesNow(change).contains(ruleId(change)));
    }

    @Test
    void aUserNotOnTheListIsToldPrivatelyAndTheRuleStays() {
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();

        Clicks.click(DENY, change.eventId(), "U0MALLORY", "mallory", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        SlackStandIn.Received reply = slack.responses(responseUrl).get(0);
        assertEquals("ephemeral", reply.json().path("response_type").asText());
        assertFalse(reply.json().path("replace_original").asBoolean());
        assertTrue(reply.text().contains("not on the list"), reply.text());
        assertEquals("PENDING", Announced.status(moto, change.eventId()));
        assertTrue(rulesNow(change).contains(ruleId(change)));
    }

    @Test
    void tenConcurrentDenyClicksSendExactlyOneRevoke() throws Exception {
        Accounts.Change change = openSsh();
        moto.startRecording();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Callable<Integer>> clicks = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String url = slack.newResponseUrl();
                clicks.add(() -> Clicks.click(DENY, change.eventId(), "U0BOB", "bob", url).status());
            }
            for (Future<Integer> f : pool.invokeAll(clicks)) {
                assertEquals(200, f.get());
            }
        } finally {
            pool.shutdown();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        assertEquals(1, moto.recordedCalls("RevokeSecurityGroupIngress"));
        assertEquals(2, Announced.item(moto, change.eventId()).get("history").l().size());
    }

    @Test
    void aSecondDecisionIsToldWhoDecidedFirst() {
        Accounts.Change change = openSsh();
        Clicks.click(APPROVE, change.eventId(), "U0ALICE", "alice", slack.newResponseUrl()).expect(200);
        String second = slack.newResponseUrl();

        Clicks.click(DENY, change.eventId(), "U0BOB", "bob", second).expect(200)
                .saying("already approved by @alice (U0ALICE)");

        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(second).isEmpty());
        assertEquals("ephemeral", slack.responses(second).get(0).json().path("response_type").asText());
        // words and a date each reader sees in their own zone, not a status name or an ISO timestamp
        String told = slack.responses(second).get(0).text();
        assertTrue(told.contains("; it is now approved.") && told.contains(" at <!date^"), told);
        assertFalse(told.matches("(?s).*\\d{4}-\\d{2}-\\d{2}T.*") || told.contains("APPROVED"), told);
        assertEquals("APPROVED", Announced.status(moto, change.eventId()));
        assertTrue(rulesNow(change).contains(ruleId(change)));
    }

    @Test
    void aRuleSomeoneElseRemovedEndsAlreadyGone() {
        Accounts.Change change = openSsh();
        try (var ec2 = sgwarden.testing.Aws.ec2In(moto, change.account(), change.region())) {
            ec2.revokeSecurityGroupIngress(b -> b.groupId(change.groupId()).securityGroupRuleIds(ruleId(change)));
        }
        String responseUrl = slack.newResponseUrl();

        Clicks.click(DENY, change.eventId(), "U0BOB", "bob", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "ALREADY_GONE".equals(Announced.status(moto, change.eventId())));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertTrue(slack.responses(responseUrl).get(0).allText().contains("already been removed"));
    }

    @Test
    void everyRuleOfAChangeIsRemovedInIngressAndInEgress() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        var ingress = Announced.viaLake(moto, lake, slack,
                Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                        Accounts.tcp(22, "0.0.0.0/0"), Accounts.tcpV6(3389, "::/0"), Accounts.tcp(443, "10.0.0.0/8")));
        var egress = Announced.viaLake(moto, lake, slack,
                Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, true,
                        Accounts.udp(53, "0.0.0.0/0"), Accounts.tcp(5432, "10.1.0.0/16")));
        assertEquals(3, ingress.rules().size());
        assertEquals(2, egress.rules().size());

        Clicks.click(DENY, ingress.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);
        Clicks.click(DENY, egress.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, ingress.eventId()))
                && "REVERTED".equals(Announced.status(moto, egress.eventId())));
        List<String> left = Accounts.ruleIds(moto, Accounts.MEMBER, Accounts.REGION, group);
        for (var rule : ingress.rules()) {
            assertFalse(left.contains(rule.securityGroupRuleId()), rule.toString());
        }
        for (var rule : egress.rules()) {
            assertFalse(left.contains(rule.securityGroupRuleId()), rule.toString());
        }
    }

    @Test
    void badClicksGetA4xxWithAClearMessageAndChangeNothing() {
        Accounts.Change change = openSsh();
        String url = slack.newResponseUrl();

        Clicks.click(DENY, "no-such-change", "U0BOB", "bob", url).expect(404)
                .saying("unknown change: no-such-change");
        Clicks.signed(Clicks.form("{not json")).expect(400)
                .saying("not valid JSON");
        Clicks.signed("token=abc&team_id=T0SGWARDEN").expect(400)
                .saying("no payload field");
        Clicks.signed(Clicks.form(Clicks.payload(DENY, change.eventId(), "U0BOB", "bob", url)
                .replace("\"response_url\"", "\"other\""))).expect(400)
                .saying("no response_url");
        Clicks.click("sgwarden_escalate", change.eventId(), "U0BOB", "bob", url).expect(400)
                .saying("unknown action 'sgwarden_escalate'");

        assertEquals("PENDING", Announced.status(moto, change.eventId()));
        assertTrue(rulesNow(change).contains(ruleId(change)));
        assertTrue(slack.responses(url).isEmpty());
    }

    @Test
    void denyAssumesTheSpokeRoleInTheOwningAccountNotTheCallersAndRevokesThere() {
        // the change is made in 111111111111 by a principal of 222222222222
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change made = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(3306, "0.0.0.0/0"));
        String record = Records.authorize(made.eventId(), Instant.now().minusSeconds(60), Accounts.MEMBER,
                Accounts.CALLER, Accounts.REGION, group, false, made.rules());
        Accounts.Change change = Announced.viaLake(moto, lake, slack, new Accounts.Change(made.eventId(), group,
                Accounts.MEMBER, Accounts.REGION, false, made.rules(), record));
        moto.startRecording();

        Clicks.click(DENY, change.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        List<Map<String, String>> assumed = moto.recordedRequests("AssumeRole").stream()
                .filter(r -> !r.get("RoleSessionName").equals("sgwarden-lake")).toList();
        assertEquals(1, assumed.size(), assumed.toString());
        Map<String, String> request = assumed.get(0);
        assertEquals("arn:aws:iam::111111111111:role" + Profiles.SPOKE_ROLE_PATH + "sgwarden-spoke",
                request.get("RoleArn"));
        assertEquals(Profiles.SPOKE_EXTERNAL_ID, request.get("ExternalId"));
        assertEquals("sgwarden-U0BOB-bob", request.get("RoleSessionName"));
        // the revoke was signed with what that AssumeRole returned, not with the service's own keys
        List<Map<String, String>> revokes = moto.recordedRequests("RevokeSecurityGroupIngress");
        assertEquals(1, revokes.size());
        assertEquals(group, revokes.get(0).get("GroupId"));
        assertFalse(revokes.get(0).get("Authorization").contains("Credential=test/"), revokes.toString());
        assertTrue(revokes.get(0).get("Authorization").contains("/" + Accounts.REGION + "/ec2/"), revokes.toString());
        assertFalse(rulesNow(change).contains(ruleId(change)), "the rule is gone from account 111111111111");
    }

    @Test
    void aClickFromAnotherWorkspaceIsRefusedAndTheRuleStays() {
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();

        Clicks.signed(Clicks.form(Clicks.payload(DENY, change.eventId(), "U0BOB", "bob", responseUrl, "T0ELSEWHERE")))
                .expect(200).saying("workspace");

        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertEquals("ephemeral", slack.responses(responseUrl).get(0).json().path("response_type").asText());
        assertEquals("PENDING", Announced.status(moto, change.eventId()));
        assertTrue(rulesNow(change).contains(ruleId(change)));
    }

    @Test
    void aRevertStuckPastStuckAfterCanBeDeniedAgainAndIsReverted() {
        Accounts.Change change = openSsh();
        // another instance took the Deny and died before it revoked: REVERTING, decided 16 minutes ago
        markReverting(change.eventId(), Instant.now().minus(Duration.ofMinutes(16)));
        String responseUrl = slack.newResponseUrl();

        Clicks.click(DENY, change.eventId(), "U0BOB", "bob", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        assertFalse(rulesNow(change).contains(ruleId(change)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertTrue(slack.responses(responseUrl).get(0).allText().contains("Reverted by @bob"));
    }

    @Test
    void aRevertStillWithinStuckAfterIsNotTakenOver() {
        Accounts.Change change = openSsh();
        markReverting(change.eventId(), Instant.now().minus(Duration.ofMinutes(1)));

        Clicks.click(DENY, change.eventId(), "U0BOB", "bob", slack.newResponseUrl()).expect(200)
                .saying("already denied");

        assertEquals("REVERTING", Announced.status(moto, change.eventId()));
        assertTrue(rulesNow(change).contains(ruleId(change)));
    }

    void markReverting(String changeId, Instant decidedAt) {
        try (var dynamo = Aws.dynamo(moto)) {
            dynamo.updateItem(b -> b.tableName(MotoResource.TABLE)
                    .key(Map.of("changeId", AttributeValue.fromS(changeId)))
                    .updateExpression("SET #s = :s, #d = :d, #by = :by, #byName = :byName, #at = :at, #epoch = :epoch")
                    .expressionAttributeNames(Map.of("#s", "status", "#d", "decision", "#by", "decidedBy",
                            "#byName", "decidedByName", "#at", "decidedAt", "#epoch", "decidedAtEpoch"))
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("REVERTING"),
                            ":d", AttributeValue.fromS("DENY"), ":by", AttributeValue.fromS("U0ALICE"),
                            ":byName", AttributeValue.fromS("alice"), ":at", AttributeValue.fromS(decidedAt.toString()),
                            ":epoch", AttributeValue.fromN(Long.toString(decidedAt.getEpochSecond())))));
        }
    }

    @Test
    void aSeveralRuleChangeWithSomeRulesAlreadyGoneHasTheRestRemovedAndEndsReverted() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        var change = Announced.viaLake(moto, lake, slack,
                Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group,
                        false, Accounts.tcp(22, "0.0.0.0/0"), Accounts.tcp(80, "0.0.0.0/0"),
                        Accounts.tcp(443, "0.0.0.0/0")));
        assertEquals(3, change.rules().size());
        String gone = change.rules().get(1).securityGroupRuleId();
        try (var ec2 = Aws.ec2In(moto, change.account(), change.region())) {
            ec2.revokeSecurityGroupIngress(b -> b.groupId(group).securityGroupRuleIds(gone));
        }
        String responseUrl = slack.newResponseUrl();

        Clicks.click(DENY, change.eventId(), "U0BOB", "bob", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        List<String> left = Accounts.ruleIds(moto, Accounts.MEMBER, Accounts.REGION, group);
        change.rules().forEach(r -> assertFalse(left.contains(r.securityGroupRuleId()), r.toString()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertTrue(slack.responses(responseUrl).get(0).allText().contains("Reverted by @bob"));
    }

    @Test
    void aRecordWithNoRuleIdsEndsRevertFailedWithTheReasonInSlack() {
        // the older CloudTrail shape: no securityGroupRuleSet in the response, so nothing names the rules
        String eventId = UUID.randomUUID().toString();
        String record = DetectionScenariosTest.fixture("legacy-no-rule-set.json")
                .replace("a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d", eventId);
        lake.seed(record);
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(eventId).isEmpty());
        moto.startRecording();
        String responseUrl = slack.newResponseUrl();

        Clicks.click(DENY, eventId, "U0BOB", "bob", responseUrl).expect(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERT_FAILED".equals(Announced.status(moto, eventId)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        String shown = slack.responses(responseUrl).get(0).allText();
        assertTrue(shown.contains("Revert by @bob failed") && shown.contains("no rule IDs"), shown);
        assertTrue(shown.contains("sgwarden_deny"), "Deny stays, for when it can be done");
        assertEquals(0, moto.recordedCalls("RevokeSecurityGroupIngress"), "nothing was revoked by guesswork");
    }

    @Test
    void aResponseUrlUsedASixthTimeIsRefusedBySlackAndTheDecisionStands() {
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();
        Clicks.click(APPROVE, change.eventId(), "U0ALICE", "alice", responseUrl).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(responseUrl).size() == 1);

        // five more clicks on the same message: four more updates fit, the sixth use is refused
        for (int i = 0; i < 5; i++) {
            Clicks.click(DENY, change.eventId(), "U0BOB", "bob", responseUrl).expect(200).saying("already approved");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(responseUrl).size() == 6);
        List<SlackStandIn.Received> uses = slack.responses(responseUrl);
        assertEquals(5, uses.stream().filter(r -> r.answered() == 200).count());
        assertEquals("used_url", uses.get(5).error());
        assertEquals("APPROVED", Announced.status(moto, change.eventId()));
        assertTrue(rulesNow(change).contains(ruleId(change)));
    }
}
