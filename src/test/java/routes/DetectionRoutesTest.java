package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.testing.Accounts;
import sgwarden.testing.Aws;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.MotoResource;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;

/** Detection through CloudTrail Lake: a change made in a member account is announced once. */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class DetectionRoutesTest {

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;

    @BeforeEach
    void clean() {
        slack.reset();
    }

    @Test
    void aChangeInTheLakeIsAnnouncedOnceAndStoredPending() {
        String group = Accounts.newGroup(moto, Accounts.MEMBER, Accounts.REGION);
        Accounts.Change change = Accounts.authorize(moto, Accounts.MEMBER, Accounts.REGION, group, false,
                Accounts.tcp(22, "0.0.0.0/0"));
        lake.seed(change.record());

        await().atMost(Duration.ofSeconds(20)).until(() -> !slack.messagesMentioning(change.eventId()).isEmpty());
        long queriesSoFar = lake.finishedQueries();
        // several more runs see the same event in their overlapping windows
        await().atMost(Duration.ofSeconds(20)).until(() -> lake.finishedQueries() >= queriesSoFar + 3);
        List<SlackStandIn.Received> messages = slack.messagesMentioning(change.eventId());
        assertEquals(1, messages.size(), "announced exactly once");
        String text = messages.get(0).allText();
        // the group's name (as moto holds it) next to its ID
        assertTrue(text.contains("alice (AssumedRole) added inbound tcp 22 from 0.0.0.0/0 to "), text);
        assertTrue(text.contains(" (" + group + ") in 111111111111 / eu-west-1"), text);
        assertTrue(text.contains("sgwarden_approve") && text.contains("sgwarden_deny"), text);
        assertTrue(text.contains("Warning"), text);
        assertTrue(text.contains("Posted through a webhook: this message changes only when someone clicks it."),
                "a webhook's message says it may not show later outcomes: " + text);

        Map<String, AttributeValue> item = item(change.eventId());
        assertEquals("PENDING", item.get("status").s());
        assertEquals("111111111111", item.get("accountId").s());
        assertEquals(change.record(), item.get("record").s());
        assertTrue(Long.parseLong(item.get("expiresAt").n()) > System.currentTimeMillis() / 1000 + 80 * 86400);
        assertEquals(change.rules().get(0).securityGroupRuleId(), item.get("ruleIds").l().get(0).s());
        assertTrue(DetectionScenariosTest.metric("sgwarden_changes_total{intake=\"lake\",outcome=\"duplicate\"}") >= 2);
        assertTrue(DetectionScenariosTest.metric("sgwarden_lake_query_duration_seconds_count") >= 1);
        assertTrue(DetectionScenariosTest.metric("sgwarden_lake_bytes_scanned_total") > 0);
    }

    @Test
    void theQuerySentCarriesTheWindowAndEventNamesAndUsesTheLakeRole() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !lake.statements().isEmpty());
        String sql = lake.statements().get(0);
        assertTrue(sql.startsWith("SELECT eventJson FROM " + lake.eventDataStore() + " WHERE"), sql);
        // every event looked for is an EC2 call: the source bounds the scan and keeps out another service's namesake
        assertTrue(sql.contains(" WHERE eventSource = 'ec2.amazonaws.com' AND eventName IN ("), sql);
        assertTrue(sql.contains(
                "eventName IN ('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'ModifySecurityGroupRules',"
                        + " 'ModifyNetworkInterfaceAttribute', 'ModifyInstanceAttribute', 'CreateNetworkInterface',"
                        + " 'RunInstances', 'CreateTags', 'DeleteTags',"
                        + " 'ModifyManagedPrefixList', 'RestoreManagedPrefixListVersion')"),
                sql);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("eventTime >= '([^']+)' AND eventTime <= '([^']+)'").matcher(sql);
        assertTrue(m.find(), sql);
        var fmt = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        var from = java.time.LocalDateTime.parse(m.group(1), fmt);
        var to = java.time.LocalDateTime.parse(m.group(2), fmt);
        assertEquals(Duration.ofMinutes(20), Duration.between(from, to));
        // the Lake owes no order without it (the stand-in shuffles), and announcements follow event time
        assertTrue(sql.endsWith(" ORDER BY eventTime ASC"), sql);
        // signed with credentials moto issued for the Lake read role, not the service's own
        assertTrue(lake.signingKeys().stream().noneMatch("test"::equals), lake.signingKeys().toString());
    }

    Map<String, AttributeValue> item(String id) {
        try (var dynamo = Aws.dynamo(moto)) {
            return dynamo.getItem(b -> b.tableName(MotoResource.TABLE)
                    .key(Map.of("changeId", AttributeValue.fromS(id)))).item();
        }
    }

}
