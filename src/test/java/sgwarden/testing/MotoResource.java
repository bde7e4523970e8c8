package sgwarden.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * moto for DynamoDB, STS, EC2 and SQS, emptied and given the ledger table and the intake queues as
 * the stack creates them, and handed to the test's {@link InjectMoto} fields. The moto process
 * itself is started once per test JVM (it takes seconds); each Quarkus run starts from a reset one.
 */
public class MotoResource implements QuarkusTestResourceLifecycleManager {

    protected Moto moto;

    /** Init argument: create sgwarden's own load balancer group in {@link Accounts#SECURITY} and configure it. */
    public static final String OWN_LOAD_BALANCER = "own-load-balancer";
    /** The group's name: what an insider in a member account would name a look-alike. */
    public static final String OWN_GROUP_NAME = "ecs-express-sgwarden-lb";

    private boolean ownLoadBalancer;

    @Override
    public void init(Map<String, String> initArgs) {
        ownLoadBalancer = Boolean.parseBoolean(initArgs.getOrDefault(OWN_LOAD_BALANCER, "false"));
    }

    public static final String TABLE = "secgrouprequests";
    public static final String QUEUE = "sgwarden-intake";
    public static final String DLQ = "sgwarden-intake-dlq";
    public static final int MAX_RECEIVE_COUNT = 4;

    @Override
    public Map<String, String> start() {
        moto = Moto.start();
        moto.reset();
        try (var dynamo = Aws.dynamo(moto)) {
            // a table a reset did not take (moto under load) is made afresh: each profile starts from nothing
            try {
                dynamo.deleteTable(b -> b.tableName(TABLE));
            } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException gone) {
                // reset as it should be
            }
            dynamo.createTable(b -> b.tableName(TABLE)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("changeId")
                            .attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName("dueShard").attributeType(ScalarAttributeType.S)
                                    .build(),
                            AttributeDefinition.builder().attributeName("dueAt").attributeType(ScalarAttributeType.N)
                                    .build())
                    .keySchema(KeySchemaElement.builder().attributeName("changeId").keyType(KeyType.HASH).build())
                    // the due-index, as deploy/cloudformation/security-shared.yaml defines it
                    .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("due-index")
                            .keySchema(
                                    KeySchemaElement.builder().attributeName("dueShard").keyType(KeyType.HASH).build(),
                                    KeySchemaElement.builder().attributeName("dueAt").keyType(KeyType.RANGE).build())
                            .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        }
        // a short visibility timeout so that a message whose handling failed comes back within the test
        String queueUrl = Queue.createWithDeadLetter(moto, QUEUE, DLQ, 1, MAX_RECEIVE_COUNT);
        Map<String, String> config = new java.util.HashMap<>(Map.of("sgwarden.aws.endpoint-override", moto.endpoint(),
                "sgwarden.table", TABLE,
                "sgwarden.sqs.queue-url", queueUrl,
                // the service asks for this visibility on each receive, so it must match the queue's
                "sgwarden.sqs.visibility-timeout", "1"));
        if (ownLoadBalancer) {
            // moto picks group IDs itself: the group is made first, and its ID handed over as the stack would
            config.put("sgwarden.own-load-balancer.account", Accounts.SECURITY);
            config.put("sgwarden.own-load-balancer.security-group",
                    Accounts.newGroup(moto, Accounts.SECURITY, Accounts.REGION, OWN_GROUP_NAME));
        }
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(moto, new TestInjector.AnnotatedAndMatchesType(InjectMoto.class, Moto.class));
    }

    @Override
    public void stop() {
        // the moto process is shared by the test JVM and stopped with it; the next run resets it
    }
}
