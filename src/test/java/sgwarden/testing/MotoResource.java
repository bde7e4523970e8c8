package sgwarden.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** moto for DynamoDB, STS, EC2 and SQS, with the ledger table created as the stack creates it. */
public class MotoResource implements QuarkusTestResourceLifecycleManager {

    public static final String TABLE = "secgrouprequests";
    public static final String QUEUE = "sgwarden-intake";
    public static final String DLQ = "sgwarden-intake-dlq";
    public static final int MAX_RECEIVE_COUNT = 4;

    @Override
    public Map<String, String> start() {
        Moto moto = Moto.start();
        moto.reset();
        try (var dynamo = Aws.dynamo(moto)) {
            dynamo.createTable(b -> b.tableName(TABLE)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("changeId")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("changeId").keyType(KeyType.HASH).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        }
        String queueUrl;
        try (var sqs = Aws.sqs(moto)) {
            String dlq = sqs.createQueue(b -> b.queueName(DLQ)).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq)
                    .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
            // a short visibility timeout so that a message whose handling failed comes back within the test
            queueUrl = sqs.createQueue(b -> b.queueName(QUEUE).attributesWithStrings(Map.of(
                    "VisibilityTimeout", "1",
                    "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\""
                            + MAX_RECEIVE_COUNT + "\"}"))).queueUrl();
        }
        return Map.of("sgwarden.aws.endpoint-override", moto.endpoint(),
                "sgwarden.table", TABLE,
                "sgwarden.sqs.queue-url", queueUrl,
                // the service asks for this visibility on each receive, so it must match the queue's
                "sgwarden.sqs.visibility-timeout", "1");
    }

    @Override
    public void stop() {
        // moto lives for the whole test JVM; the next test class resets it
    }
}
