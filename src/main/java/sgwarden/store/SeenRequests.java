package sgwarden.store;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Header;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import sgwarden.config.Settings;

/**
 * The Slack requests already acted on, by signature, in the ledger table that every replica shares:
 * a signed request can be sent again for as long as its timestamp is in the 5-minute window, and
 * only its first arrival, at whichever replica, may act. One conditional put per verified request;
 * the item outlives the window, then DynamoDB's TTL deletes it.
 */
@ApplicationScoped
@Named("seenRequests")
public class SeenRequests {

    static final String PREFIX = "seen#";
    /**
     * A request is acceptable until its timestamp + the window (the window is checked both ways, so
     * a timestamp up to 5 minutes ahead is accepted for up to 10); the margin covers the replicas'
     * clocks differing a little.
     */
    static final Duration KEEP_PAST_TIMESTAMP = Duration.ofMinutes(5).plus(Duration.ofMinutes(1));

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    /** Called after the signature is verified, so only Slack's own requests are stored. */
    public void first(@Header("X-Slack-Request-Timestamp") String timestamp,
            @Header("X-Slack-Signature") String signature) {
        // an item past its TTL but not yet deleted still refuses: its request is outside the window anyway
        long expires = Long.parseLong(timestamp.trim()) + KEEP_PAST_TIMESTAMP.toSeconds();
        try {
            dynamo.putItem(b -> b.tableName(settings.table())
                    .item(Map.of(Items.ID, Items.s(PREFIX + signature.trim()), Items.EXPIRES_AT, Items.n(expires)))
                    .conditionExpression("attribute_not_exists(#id)")
                    .expressionAttributeNames(Map.of("#id", Items.ID)));
        } catch (ConditionalCheckFailedException e) {
            throw new ReplayedRequestException();
        }
    }

    /** The same signed request again: refused with 409, nothing done, nothing posted to Slack. */
    public static class ReplayedRequestException extends RuntimeException {

        public ReplayedRequestException() {
            super("this request was already received; nothing was changed");
        }
    }
}
