package sgwarden.bench;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import sgwarden.testing.Records;

/**
 * CloudTrail records for the benchmarks, written by the tests' own {@link Records} in the shape
 * CloudTrail writes them: one rule per call, in a mix of ingress and egress, tcp, udp and IPv6.
 */
final class Seed {

    static final String ACCOUNT = "111111111111";
    static final String REGION = "eu-west-1";

    record Event(String eventId, String json) {
    }

    private Seed() {
    }

    static Event event(int i, Instant time) {
        String eventId = UUID.randomUUID().toString();
        SecurityGroupRule.Builder rule = SecurityGroupRule.builder().securityGroupRuleId("sgr-" + hex(17));
        switch (i % 3) {
            case 0 -> rule.ipProtocol("tcp").fromPort(22).toPort(22).cidrIpv4("0.0.0.0/0");
            case 1 -> rule.ipProtocol("udp").fromPort(53).toPort(53).cidrIpv4("10.0.0.0/8");
            default -> rule.ipProtocol("tcp").fromPort(443).toPort(443).cidrIpv6("::/0");
        }
        boolean egress = i % 4 == 3;
        String json = Records.authorize(eventId, time, ACCOUNT, ACCOUNT, REGION, "sg-" + hex(17), egress,
                List.of(rule.build()));
        return new Event(eventId, json);
    }

    static String envelope(Event e) {
        return Records.envelope(e.json(), ACCOUNT, REGION);
    }

    /** The change a Slack announcement is about: the value of its Approve button. */
    /** The events on the queue as the central EventBridge rule puts them there, ten to a SendMessageBatch. */
    static void send(SqsClient sqs, String queueUrl, List<Event> events) {
        sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(events.stream()
                .map(e -> SendMessageBatchRequestEntry.builder()
                        .id(e.eventId()).messageBody(envelope(e)).build())
                .toList()));
    }

    /** All the events on the queue at once, in batches of ten. */
    static void sendAll(SqsClient sqs, String queueUrl, List<Event> events) {
        for (int i = 0; i < events.size(); i += 10) {
            send(sqs, queueUrl, events.subList(i, Math.min(events.size(), i + 10)));
        }
    }

    static String announcedChange(JsonNode message) {
        for (JsonNode parent : message.findParents("action_id")) {
            if ("sgwarden_approve".equals(parent.path("action_id").asText())
                    || "sgwarden_deny".equals(parent.path("action_id").asText())) {
                return parent.path("value").asText(null);
            }
        }
        return null;
    }

    private static String hex(int n) {
        byte[] b = new byte[(n + 1) / 2];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b).substring(0, n);
    }
}
