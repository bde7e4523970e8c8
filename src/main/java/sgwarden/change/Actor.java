package sgwarden.change;

import com.fasterxml.jackson.databind.JsonNode;

/** Who made a change, as CloudTrail's userIdentity tells it. */
public record Actor(String principalArn, String identityType, String name, String accountId,
        String sourceIp, String userAgent) {

    /** Who made the call of a CloudTrail record: the session's name for a role, root, or the service. */
    public static Actor of(JsonNode record) {
        JsonNode id = record.path("userIdentity");
        String type = text(id, "type");
        String arn = text(id, "arn");
        String name = text(id, "userName");
        if ("AssumedRole".equals(type) && arn != null && arn.contains("/")) {
            name = arn.substring(arn.lastIndexOf('/') + 1);
        } else if ("Root".equals(type)) {
            name = "root";
        } else if (name == null && "AWSService".equals(type)) {
            name = text(id, "invokedBy");
        }
        if (name == null) {
            name = text(id, "principalId");
        }
        return new Actor(arn, type, name, text(id, "accountId"), text(record, "sourceIPAddress"),
                text(record, "userAgent"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }
}
