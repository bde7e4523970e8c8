package sgwarden.change;

import java.time.Instant;
import java.util.List;

/**
 * A security group change found in CloudTrail. accountId is recipientAccountId, the account that
 * owns the group: reverts happen there, not in the caller's account.
 */
public record SecurityGroupChange(
        String eventId,
        String requestId,
        String eventName,
        Instant eventTime,
        String accountId,
        String region,
        String groupId,
        Direction direction,
        Actor actor,
        List<Rule> rules,
        String intake,
        String record) {

    public boolean opensToWorld() {
        return rules.stream().anyMatch(r -> r.peer() != null && r.peer().isWorld());
    }

    public boolean opensAllPorts() {
        return rules.stream().anyMatch(Rule::isAllPorts);
    }

    public List<String> ruleIds() {
        return rules.stream().map(Rule::ruleId).filter(id -> id != null && !id.isBlank()).toList();
    }
}
