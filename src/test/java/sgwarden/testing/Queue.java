package sgwarden.testing;

import java.util.Map;

import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The intake queue and its dead-letter queue in moto, seen from outside the service. */
public final class Queue {

    private Queue() {
    }

    /**
     * An intake queue and its dead-letter queue, as the deployment templates make them: a message
     * received maxReceiveCount times without being deleted moves to the dead-letter queue. Returns the
     * intake queue's URL.
     */
    public static String createWithDeadLetter(Moto moto, String name, String deadLetterName, int visibilitySeconds,
            int maxReceiveCount) {
        try (var sqs = Aws.sqs(moto)) {
            String dlq = sqs.createQueue(b -> b.queueName(deadLetterName)).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNamesWithStrings("QueueArn"))
                    .attributesAsStrings().get("QueueArn");
            return sqs.createQueue(b -> b.queueName(name).attributesWithStrings(Map.of(
                    "VisibilityTimeout", Integer.toString(visibilitySeconds),
                    "RedrivePolicy", "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\""
                            + maxReceiveCount + "\"}")))
                    .queueUrl();
        }
    }

    public static void send(Moto moto, String body) {
        try (var sqs = Aws.sqs(moto)) {
            String url = sqs.getQueueUrl(b -> b.queueName(MotoResource.QUEUE)).queueUrl();
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(body));
        }
    }

    /** Messages in the queue, visible or being handled. */
    public static int depth(Moto moto, String queue) {
        try (var sqs = Aws.sqs(moto)) {
            String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }
    }
}
