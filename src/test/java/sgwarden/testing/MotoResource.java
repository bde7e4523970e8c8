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
        return Map.of("sgwarden.aws.endpoint-override", moto.endpoint(),
                "sgwarden.table", TABLE);
    }

    @Override
    public void stop() {
        // moto lives for the whole test JVM; the next test class resets it
    }
}
