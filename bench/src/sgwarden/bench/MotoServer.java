package sgwarden.bench;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * moto as the tests run it: the build's venv python and src/test/moto/serve.py (DynamoDB
 * serialised), on a free loopback port, with the ledger table and the intake queue created as the
 * stack creates them.
 */
final class MotoServer implements AutoCloseable {

    static final String TABLE = "secgrouprequests";
    static final String QUEUE = "sgwarden-intake";
    static final String DLQ = "sgwarden-intake-dlq";

    private final Process process;
    private final int port;
    private final StaticCredentialsProvider credentials = StaticCredentialsProvider
            .create(AwsBasicCredentials.create("test", "test"));

    private MotoServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static MotoServer start(Path repo, Path logDir) throws Exception {
        Path python = repo.resolve("target/moto/bin/python");
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("moto is not installed at target/moto (run.sh installs it)");
        }
        int port = freePort();
        File log = logDir.resolve("moto.log").toFile();
        Process p = Children
                .start(new ProcessBuilder(python.toString(), repo.resolve("src/test/moto/serve.py").toString(),
                        "127.0.0.1", Integer.toString(port)).directory(repo.toFile()).redirectErrorStream(true)
                        .redirectOutput(log), "moto");
        MotoServer moto = new MotoServer(p, port);
        moto.awaitUp();
        return moto;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    DynamoDbClient dynamo() {
        return DynamoDbClient.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    SqsClient sqs() {
        return SqsClient.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(16)).build();
    }

    void createTable() {
        try (DynamoDbClient dynamo = dynamo()) {
            dynamo.createTable(b -> b.tableName(TABLE)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("changeId")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("changeId").keyType(KeyType.HASH).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
        }
    }

    /** The intake queue with its dead-letter queue (maxReceiveCount 4) and SQS's default visibility timeout. */
    String createQueue() {
        return createQueue(30, 4);
    }

    /** The intake queue with its dead-letter queue, as the templates make it (120 s and 10 in production). */
    String createQueue(int visibilitySeconds, int maxReceiveCount) {
        try (SqsClient sqs = sqs()) {
            String dlq = sqs.createQueue(b -> b.queueName(DLQ)).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNamesWithStrings("QueueArn"))
                    .attributesAsStrings().get("QueueArn");
            return sqs.createQueue(b -> b.queueName(QUEUE).attributesWithStrings(Map.of(
                    "VisibilityTimeout", Integer.toString(visibilitySeconds),
                    "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\""
                            + maxReceiveCount + "\"}")))
                    .queueUrl();
        }
    }

    /**
     * Copies of a change the service has stored (so whatever shape the service writes is kept), each
     * under a new change ID with its record's eventID to match, written 25 to a BatchWriteItem.
     * Returns the template's ID followed by the copies'.
     */
    java.util.List<String> clonePending(String templateId, int total) {
        try (DynamoDbClient dynamo = dynamo()) {
            Map<String, AttributeValue> template = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline) {
                template = dynamo.getItem(b -> b.tableName(TABLE).consistentRead(true)
                        .key(Map.of("changeId", AttributeValue.fromS(templateId)))).item();
                if (template != null && "PENDING".equals(template.get("status").s())) {
                    break;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (template == null || !"PENDING".equals(template.get("status").s())) {
                throw new IllegalStateException("the template change is not stored PENDING: " + template);
            }
            java.util.List<String> ids = new java.util.ArrayList<>(java.util.List.of(templateId));
            java.util.List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> batch = new java.util.ArrayList<>();
            for (int i = 1; i < total; i++) {
                String id = java.util.UUID.randomUUID().toString();
                Map<String, AttributeValue> item = new java.util.HashMap<>(template);
                item.put("changeId", AttributeValue.fromS(id));
                if (item.containsKey("record")) {
                    item.put("record", AttributeValue.fromS(item.get("record").s().replace(templateId, id)));
                }
                ids.add(id);
                batch.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                        .putRequest(r -> r.item(item)).build());
                if (batch.size() == 25 || i == total - 1) {
                    var request = java.util.List.copyOf(batch);
                    var left = dynamo.batchWriteItem(b -> b.requestItems(Map.of(TABLE, request))).unprocessedItems();
                    if (left != null && !left.isEmpty()) {
                        throw new IllegalStateException("moto left items unprocessed: " + left.size());
                    }
                    batch.clear();
                }
            }
            return ids;
        }
    }

    /**
     * moto's own pace for the decision's kind of write: n conditional UpdateItems with ReturnValues
     * ALL_NEW on items of a ledger item's size, from several client threads, in a table of their own.
     */
    double calibrate(int n, int threads) {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads)).build()) {
            String table = "calibration";
            dynamo.createTable(b -> b.tableName(table)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("changeId")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("changeId").keyType(KeyType.HASH).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
            String record = "x".repeat(2500);
            java.util.List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> batch = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Map<String, AttributeValue> item = Map.of("changeId", AttributeValue.fromS("c" + i),
                        "status", AttributeValue.fromS("PENDING"), "record", AttributeValue.fromS(record));
                batch.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                        .putRequest(r -> r.item(item)).build());
                if (batch.size() == 25 || i == n - 1) {
                    var request = java.util.List.copyOf(batch);
                    dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, request)));
                    batch.clear();
                }
            }
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            long start = System.nanoTime();
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        String id = "c" + i;
                        dynamo.updateItem(b -> b.tableName(table).key(Map.of("changeId", AttributeValue.fromS(id)))
                                .updateExpression("SET #s = :a, #d = :d, #by = :by, #at = :at")
                                .conditionExpression("#s IN (:p, :f)")
                                .expressionAttributeNames(Map.of("#s", "status", "#d", "decision", "#by", "decidedBy",
                                        "#at", "decidedAt"))
                                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("APPROVED"),
                                        ":d", AttributeValue.fromS("APPROVE"), ":by", AttributeValue.fromS("U0BENCH"),
                                        ":at", AttributeValue.fromS(java.time.Instant.now().toString()),
                                        ":p", AttributeValue.fromS("PENDING"), ":f", AttributeValue.fromS("PENDING")))
                                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW));
                    }
                }));
            }
            try {
                for (var f : done) {
                    f.get();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdown();
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            dynamo.deleteTable(b -> b.tableName(table));
            return rate;
        }
    }

    /** How many ledger items have this status (a consistent scan, counted page by page). */
    long countStatus(String status) {
        try (DynamoDbClient dynamo = dynamo()) {
            long count = 0;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                ScanResponse page = dynamo.scan(b -> b.tableName(TABLE).consistentRead(true)
                        .select("COUNT").filterExpression("#s = :s")
                        .expressionAttributeNames(Map.of("#s", "status"))
                        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(status)))
                        .exclusiveStartKey(from));
                count += page.count();
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                        : null;
            } while (start != null);
            return count;
        }
    }

    @Override
    public void close() {
        Children.stop(process, Duration.ofSeconds(10));
    }

    private void awaitUp() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto exited at start; see its log");
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/data.json"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (Exception e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("moto did not start on port " + port);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
