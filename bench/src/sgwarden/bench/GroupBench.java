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

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

import sgwarden.testing.SlackStandIn;

/**
 * Issue 15: the burst of {@link BurstBench} (200 rule additions by one principal in one account,
 * through the SQS intake, against a Slack stand-in enforcing 1 post per second with a burst of 5),
 * now with grouping on at its defaults (quiet gap 15 s, window 2 min, size limit 100): how many
 * messages, how long until the last is accepted, how many 429s, and whether every change is in
 * exactly one message. Issue 21 ({@code group-slow}): the same 200 spread evenly over 90 s, as a
 * slow apply sends them, in batches of 10 with pauses shorter than the quiet gap.
 */
final class GroupBench {

    private GroupBench() {
    }

    static void run(Path repo, Path logs) throws Exception {
        run(repo, logs, "group", Bench.intProp("bench.group.over-seconds", 0));
    }

    static void run(Path repo, Path logs, String name, int overSeconds) throws Exception {
        int burst = Bench.intProp("bench.group.events", 200);
        double slackRate = 1;
        int slackBurst = 5;
        SlackStandIn slack = new SlackStandIn();
        slack.enforceRateLimit(slackRate, slackBurst);
        try (MotoServer moto = MotoServer.start(repo, logs);
                SqsClient sqs = moto.sqs();
                DynamoDbClient dynamo = moto.dynamo()) {
            moto.createTable();
            String queueUrl = moto.createQueue(120, 10);
            Map<String, String> settings = new LinkedHashMap<>(Service.base(moto, slack));
            // production pacing and grouping: the defaults of application.properties
            settings.remove("sgwarden.slack.rate");
            settings.remove("sgwarden.slack.burst");
            settings.remove("sgwarden.group.window");
            settings.put("sgwarden.intake", "sqs");
            settings.put("sgwarden.sqs.queue-url", queueUrl);
            Duration quiet = Duration.ofSeconds(Bench.intProp("bench.group.quiet-seconds", 15));
            Duration window = Duration.ofSeconds(Bench.intProp("bench.group.window-seconds", 120));
            settings.put("sgwarden.group.quiet", quiet.toSeconds() + "s");
            settings.put("sgwarden.group.window", window.toSeconds() + "s");
            try (Service service = Service.start(repo, logs, "service-" + name, settings, Service.secrets(slack),
                    false)) {
                service.awaitReady(Duration.ofSeconds(60));
                List<Seed.Event> events = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    events.add(Seed.event(i, Instant.now()));
                }
                Instant start = Instant.now();
                if (overSeconds > 0) {
                    // a slow apply: batches of 10 evenly over the span, each pause shorter than the quiet gap
                    int batches = (burst + 9) / 10;
                    long pauseMillis = overSeconds * 1000L / Math.max(1, batches - 1);
                    for (int i = 0; i < burst; i += 10) {
                        if (i > 0) {
                            Thread.sleep(pauseMillis);
                        }
                        Seed.sendAll(sqs, queueUrl, events.subList(i, Math.min(burst, i + 10)));
                    }
                } else {
                    Seed.sendAll(sqs, queueUrl, events);
                }
                Instant sent = Instant.now();
                long deadline = System.nanoTime() + window.plusSeconds(120).toNanos();
                while (covered(slack, dynamo).size() < burst && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                // anything still to come (a duplicate, a late retry) would show within a few seconds
                Thread.sleep(5000);
                List<SlackStandIn.Received> posts = slack.messages();
                Map<String, Integer> times = covered(slack, dynamo);
                int announced = (int) events.stream().filter(e -> times.containsKey(e.eventId())).count();
                long duplicated = times.values().stream().filter(n -> n > 1).count();
                long groupMessages = posts.stream().filter(m -> groupOf(m.json()) != null).count();
                Instant last = posts.stream().map(SlackStandIn.Received::at).max(Instant::compareTo).orElse(start);
                double took = LakeBench.seconds(start, last);
                long pending = events.stream().filter(e -> "PENDING".equals(status(dynamo, e.eventId()))).count();
                int queueLeft = SqsBench.depth(sqs, queueUrl);
                int dlq = SqsBench.depth(sqs, sqs.getQueueUrl(b -> b.queueName(MotoServer.DLQ)).queueUrl());
                Bench.note(String.format(Locale.ROOT,
                        "%d events by one principal sent in %.2f s (SendMessageBatch); quiet gap %d s, window %d s,"
                                + " size limit 100; %d messages posted (%d for groups); %d announced, %d more than"
                                + " once, %d lost; %d PENDING in the table; 429 answers: %d; queue left %d,"
                                + " dead-letter queue %d",
                        burst, LakeBench.seconds(start, sent), quiet.toSeconds(), window.toSeconds(), posts.size(),
                        groupMessages, announced, duplicated, burst - announced, pending, slack.refusals(), queueLeft,
                        dlq));
                Bench.figure(name + ".messages", String.format(Locale.ROOT,
                        "%d messages for %d changes sent over %.0f s (goal <= %d)", posts.size(), burst,
                        LakeBench.seconds(start, sent), overSeconds > 0 ? 2 : 10));
                Bench.figure(name + ".time", String.format(Locale.ROOT,
                        "%.1f s from the first send to the last message accepted; %.1f s after the last send"
                                + " (goal <= quiet gap %d s + 15 s)",
                        took, LakeBench.seconds(sent, last), quiet.toSeconds()));
                Bench.figure(name + ".refusals", String.format(Locale.ROOT, "%d answers 429 for %d posts (goal 0)",
                        slack.refusals(), posts.size()));
                Bench.figure(name + ".integrity", String.format(Locale.ROOT,
                        "%d of %d announced, %d in more than one message, %d lost, %d PENDING;"
                                + " dead-letter queue %d, queue left %d",
                        announced, burst, duplicated, burst - announced, pending, dlq, queueLeft));
                service.close(Duration.ofSeconds(10));
            }
        } finally {
            slack.stop();
        }
    }

    /** How many messages each change is in: a group message's members from its group item, a single by its button. */
    static Map<String, Integer> covered(SlackStandIn slack, DynamoDbClient dynamo) {
        Map<String, Integer> times = new HashMap<>();
        for (SlackStandIn.Received m : slack.messages()) {
            String group = groupOf(m.json());
            if (group == null) {
                String single = Seed.announcedChange(m.json());
                if (single != null) {
                    times.merge(single, 1, Integer::sum);
                }
                continue;
            }
            Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(MotoServer.TABLE).consistentRead(true)
                    .key(Map.of("changeId", AttributeValue.fromS(group)))).item();
            if (item != null && item.containsKey("members")) {
                item.get("members").l().forEach(id -> times.merge(id.s(), 1, Integer::sum));
            }
        }
        return times;
    }

    /** The group a message is about: the value of its group buttons ("group#..."), or null for a single change. */
    static String groupOf(JsonNode message) {
        for (JsonNode parent : message.findParents("action_id")) {
            String value = parent.path("value").asText("");
            if (parent.path("action_id").asText().startsWith("sgwarden_group") && value.startsWith("group#")) {
                return value;
            }
        }
        return null;
    }

    static String status(DynamoDbClient dynamo, String changeId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(MotoServer.TABLE).consistentRead(true)
                .key(Map.of("changeId", AttributeValue.fromS(changeId)))).item();
        return item == null || !item.containsKey("status") ? null : item.get("status").s();
    }
}
