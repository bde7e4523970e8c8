package sgwarden.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Scenario steps shared by the decision tests: a change made, announced, and its stored state. */
public final class Announced {

    private Announced() {
    }

    /**
     * Puts the change in the Lake and waits until Slack has its message and the service has seen
     * Slack accept it (PENDING), as a person's click always comes after both.
     */
    public static Accounts.Change viaLake(Moto moto, LakeStandIn lake, SlackStandIn slack, Accounts.Change change) {
        lake.seed(change.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(change.eventId()).isEmpty());
        return confirmed(moto, change);
    }

    private static Accounts.Change confirmed(Moto moto, Accounts.Change change) {
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(status(moto, change.eventId())));
        return change;
    }

    /** Puts the change on the SQS queue as the central EventBridge rule would, and waits for Slack. */
    public static Accounts.Change viaSqs(Moto moto, SlackStandIn slack, Accounts.Change change) {
        Queue.send(moto, Records.envelope(change.record(), change.account(), change.region()));
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(change.eventId()).isEmpty());
        return confirmed(moto, change);
    }

    public static Map<String, AttributeValue> item(Moto moto, String changeId) {
        try (var dynamo = Aws.dynamo(moto)) {
            return dynamo.getItem(b -> b.tableName(MotoResource.TABLE).consistentRead(true)
                    .key(Map.of("changeId", AttributeValue.fromS(changeId)))).item();
        }
    }

    /** The claim an instance leaves when it dies mid-post: ANNOUNCING, taken at claimedAt, never confirmed. */
    public static void claimLeftByACrash(Moto moto, String changeId, java.time.Instant claimedAt) {
        try (var dynamo = Aws.dynamo(moto)) {
            dynamo.putItem(b -> b.tableName(MotoResource.TABLE).item(Map.of(
                    "changeId", AttributeValue.fromS(changeId),
                    "status", AttributeValue.fromS("ANNOUNCING"),
                    "claimedAt", AttributeValue.fromN(Long.toString(claimedAt.getEpochSecond())),
                    "expiresAt", AttributeValue.fromN(Long.toString(claimedAt.getEpochSecond() + 86400)))));
        }
    }

    public static String status(Moto moto, String changeId) {
        Map<String, AttributeValue> item = item(moto, changeId);
        return item == null || !item.containsKey("status") ? null : item.get("status").s();
    }
}
