package sgwarden.change;

/** Who made a change, as CloudTrail's userIdentity tells it. */
public record Actor(String principalArn, String identityType, String name, String accountId,
        String sourceIp, String userAgent) {
}
