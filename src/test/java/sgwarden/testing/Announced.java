package sgwarden.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Scenario steps shared by the decision tests: a change made, announced, and its stored state. */
public final class Announced {

    private Announced() {
    }

    /** Puts the change in the Lake and waits until Slack has its message. */
    public static Accounts.Change viaLake(LakeStandIn lake, SlackStandIn slack, Accounts.Change change) {
        lake.seed(change.record());
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(change.eventId()).isEmpty());
        return change;
    }

    /** Puts the change on the SQS queue as the central EventBridge rule would, and waits for Slack. */
    public static Accounts.Change viaSqs(Moto moto, SlackStandIn slack, Accounts.Change change) {
        Queue.send(moto, Records.envelope(change.record(), change.account(), change.region()));
        await().atMost(Duration.ofSeconds(30)).until(() -> !slack.messagesMentioning(change.eventId()).isEmpty());
        return change;
    }

    public static Map<String, AttributeValue> item(Moto moto, String changeId) {
        try (var dynamo = Aws.dynamo(moto)) {
            return dynamo.getItem(b -> b.tableName(MotoResource.TABLE).consistentRead(true)
                    .key(Map.of("changeId", AttributeValue.fromS(changeId)))).item();
        }
    }

    public static String status(Moto moto, String changeId) {
        Map<String, AttributeValue> item = item(moto, changeId);
        return item == null || !item.containsKey("status") ? null : item.get("status").s();
    }
}
