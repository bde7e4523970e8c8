package sgwarden.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import sgwarden.testing.LakeStandIn;
import sgwarden.testing.SlackStandIn;

/**
 * Issue 14: approvals that expire. 500 approvals of the service's ledger, due within the same minute,
 * and how late each is acted on (outcomeAt minus dueAt) by the packaged service's timer. Then the
 * timer's Query, as the service sends it, against tables of growing size: the items it reads.
 */
final class ExpiryBench {

    private ExpiryBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        int approvals = Bench.intProp("bench.expiry.approvals", 500);
        SlackStandIn slack = new SlackStandIn();
        LakeStandIn lake = new LakeStandIn();
        try (MotoServer moto = MotoServer.start(repo, logs)) {
            moto.createTable();
            Map<String, String> settings = new LinkedHashMap<>(Service.base(moto, slack));
            settings.put("sgwarden.intake", "lake");
            settings.put("sgwarden.lake.endpoint-override", lake.endpoint());
            settings.put("sgwarden.lake.event-data-store", lake.eventDataStore());
            // the Lake is not polled during the run: the approvals are written to the ledger directly
            settings.put("sgwarden.lake.period", "1h");
            settings.put("sgwarden.lake.lookback", "1h");
            settings.put("sgwarden.lake.initial-delay", "1h");
            String period = System.getProperty("bench.expiry.period", "5s");
            settings.put("sgwarden.approval.check-period", period);
            try (Service service = Service.start(repo, logs, "service-expiry", settings, Service.secrets(slack),
                    false)) {
                service.awaitReady(Duration.ofSeconds(60));
                // approvals as the ledger holds them after "Approve for 1 h": all due within one minute
                // starting 20 s from now. Their groups are not in moto, so each revert ends ALREADY_GONE
                // after the same claim, AssumeRole and revoke calls a real one makes.
                long first = Instant.now().plusSeconds(20).getEpochSecond();
                Map<String, Long> due = new HashMap<>();
                List<String> ids = new ArrayList<>();
                com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
                try (DynamoDbClient dynamo = moto.dynamo()) {
                    for (int i = 0; i < approvals; i++) {
                        Seed.Event e = Seed.event(0, Instant.now().minusSeconds(3600));
                        var record = json.readTree(e.json());
                        long at = first + (60L * i) / approvals;
                        ids.add(e.eventId());
                        due.put(e.eventId(), at);
                        Map<String, AttributeValue> item = new HashMap<>();
                        item.put("changeId", AttributeValue.fromS(e.eventId()));
                        item.put("status", AttributeValue.fromS("APPROVED"));
                        item.put("eventName", AttributeValue.fromS("AuthorizeSecurityGroupIngress"));
                        item.put("accountId", AttributeValue.fromS(Seed.ACCOUNT));
                        item.put("region", AttributeValue.fromS(Seed.REGION));
                        item.put("groupId", AttributeValue.fromS(record.at("/requestParameters/groupId").asText()));
                        item.put("direction", AttributeValue.fromS("INGRESS"));
                        item.put("ruleIds", AttributeValue.fromL(List.of(AttributeValue.fromS(
                                record.at("/responseElements/securityGroupRuleSet/items/0/securityGroupRuleId")
                                        .asText()))));
                        item.put("record", AttributeValue.fromS(e.json()));
                        item.put("decision", AttributeValue.fromS("APPROVE"));
                        item.put("decidedBy", AttributeValue.fromS("U0BENCH"));
                        item.put("decidedByName", AttributeValue.fromS("bench"));
                        item.put("dueShard", AttributeValue.fromS("approval"));
                        item.put("dueAt", AttributeValue.fromN(Long.toString(at)));
                        item.put("approvedFor", AttributeValue.fromS("1 h"));
                        item.put("approvedUntil", AttributeValue.fromS(Instant.ofEpochSecond(at).toString()));
                        dynamo.putItem(b -> b.tableName(MotoServer.TABLE).item(item));
                    }
                }
                Bench.note(String.format(Locale.ROOT, "%d approvals due from %s over 60 s; check period %s",
                        ids.size(), Instant.ofEpochSecond(first), period));
                long deadline = System.nanoTime() + Duration.ofSeconds(60 + 20 + 240).toNanos();
                Map<String, Integer> outcomes = new TreeMap<>();
                List<Double> lateMs = new ArrayList<>();
                while (System.nanoTime() < deadline) {
                    outcomes.clear();
                    lateMs.clear();
                    try (DynamoDbClient dynamo = moto.dynamo()) {
                        for (String id : ids) {
                            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(MotoServer.TABLE)
                                    .key(Map.of("changeId", AttributeValue.fromS(id)))).item();
                            String status = item.get("status").s();
                            outcomes.merge(status, 1, Integer::sum);
                            if (item.containsKey("outcomeAt")) {
                                lateMs.add((double) Duration.between(Instant.ofEpochSecond(due.get(id)),
                                        Instant.parse(item.get("outcomeAt").s())).toMillis());
                            }
                        }
                    }
                    if (lateMs.size() == ids.size()) {
                        break;
                    }
                    Thread.sleep(5000);
                }
                Stats late = new Stats(lateMs);
                Bench.note("outcomes: " + outcomes
                        + " (the groups are not in moto: the revoke finds the rule gone, ALREADY_GONE)");
                Bench.figure("expiry.lateness", String.format(Locale.ROOT,
                        "p50 %.1f s, p99 %.1f s, max %.1f s over %d approvals due within one minute"
                                + " (outcome recorded minus due; check period %s)",
                        late.pct(50) / 1000, late.pct(99) / 1000, late.max() / 1000, late.count(), period));
            }
            // the timer's Query, as the service sends it, against a growing table of items not due
            try (DynamoDbClient dynamo = moto.dynamo()) {
                int[] sizes = {1_000, 5_000, 20_000};
                int written = 0;
                StringBuilder line = new StringBuilder();
                for (int size : sizes) {
                    List<software.amazon.awssdk.services.dynamodb.model.WriteRequest> batch = new ArrayList<>();
                    for (; written < size; written++) {
                        Map<String, AttributeValue> item = new HashMap<>();
                        item.put("changeId", AttributeValue.fromS("filler-" + written));
                        item.put("status", AttributeValue.fromS(written % 3 == 0 ? "PENDING" : "APPROVED"));
                        if (written % 3 == 1) {
                            // approved for a time, due tomorrow: in the index, not due
                            item.put("dueShard", AttributeValue.fromS("approval"));
                            item.put("dueAt", AttributeValue
                                    .fromN(Long.toString(Instant.now().plusSeconds(86_400).getEpochSecond())));
                        }
                        batch.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                                .putRequest(r -> r.item(item)).build());
                        if (batch.size() == 25) {
                            var request = List.copyOf(batch);
                            dynamo.batchWriteItem(b -> b.requestItems(Map.of(MotoServer.TABLE, request)));
                            batch.clear();
                        }
                    }
                    if (!batch.isEmpty()) {
                        var request = List.copyOf(batch);
                        dynamo.batchWriteItem(b -> b.requestItems(Map.of(MotoServer.TABLE, request)));
                    }
                    long now = Instant.now().getEpochSecond();
                    QueryResponse r = dynamo.query(b -> b.tableName(MotoServer.TABLE).indexName("due-index").limit(100)
                            .keyConditions(Map.of("dueShard",
                                    Condition.builder().comparisonOperator(ComparisonOperator.EQ)
                                            .attributeValueList(AttributeValue.fromS("approval")).build(),
                                    "dueAt", Condition.builder().comparisonOperator(ComparisonOperator.LE)
                                            .attributeValueList(AttributeValue.fromN(Long.toString(now))).build())));
                    line.append(String.format(Locale.ROOT, "%s%d items: %d read", line.length() == 0 ? "" : "; ", size,
                            r.scannedCount()));
                }
                Bench.figure("expiry.items-read-per-tick", line
                        + " (ScannedCount of the timer's Query on the due-index,"
                        + " nothing due; a third of the items are approvals due tomorrow; at most 100 per tick when due)");
            }
        } finally {
            slack.stop();
            lake.stop();
        }
    }
}
