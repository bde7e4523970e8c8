package sgwarden.revert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleRequest;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.aws.GroupRules;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Keys;
import sgwarden.change.KnownForm;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.store.Restoration;

/**
 * Undoes a modification (ModifySecurityGroupRules) through the spoke role: each rule goes back to
 * its earlier form by rule ID, or is revoked where that form was never known. It first reads the
 * rules as they are now: a rule changed again since is left alone and the revert fails, so a later
 * change is never overwritten; a rule gone is not an error.
 */
@ApplicationScoped
@Named("ruleRestorer")
public class RuleRestorer {

    @Inject
    AwsClients clients;
    @Inject
    CloudTrailParser parser;
    @Inject
    OwnWrites ownWrites;

    public Restoration restore(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange stored) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        Credentials c = assumed.credentials();
        try (Ec2Client ec2 = clients.ec2(stored.region(), c)) {
            Map<String, SecurityGroupRule> now = GroupRules.byId(ec2, stored.groupId(), change.ruleIds());
            List<String> changedAgain = new ArrayList<>();
            for (Rule after : change.rules()) {
                SecurityGroupRule current = now.get(after.ruleId());
                if (current != null && !Rule.sameTraffic(GroupRules.rule(current), after)) {
                    changedAgain.add(after.ruleId() + " is now " + describe(current));
                }
            }
            if (!changedAgain.isEmpty()) {
                throw new ChangedAgainException("changed again since: " + String.join("; ", changedAgain)
                        + ". The later form stays; nothing was changed");
            }
            Map<String, KnownForm> restore = new LinkedHashMap<>();
            List<String> ingress = new ArrayList<>();
            List<String> egress = new ArrayList<>();
            for (Rule after : change.rules()) {
                SecurityGroupRule current = now.get(after.ruleId());
                if (current == null) {
                    continue;
                }
                KnownForm earlier = change.earlier().get(after.ruleId());
                if (earlier != null) {
                    restore.put(after.ruleId(), earlier);
                } else if (Boolean.TRUE.equals(current.isEgress())) {
                    egress.add(after.ruleId());
                } else {
                    ingress.add(after.ruleId());
                }
            }
            if (restore.isEmpty() && ingress.isEmpty() && egress.isEmpty()) {
                return new Restoration(Status.ALREADY_GONE, Map.of(), List.of());
            }
            List<OwnWrites.Expected> expected = new ArrayList<>();
            try {
                if (!restore.isEmpty()) {
                    Map<String, Rule> forms = new LinkedHashMap<>();
                    restore.forEach((id, form) -> forms.put(id, form.rule()));
                    expected.add(ownWrites.modify(assumed, stored, forms, "revert"));
                    ec2.modifySecurityGroupRules(b -> b.groupId(stored.groupId()).securityGroupRules(
                            restore.entrySet().stream().map(e -> update(e.getKey(), e.getValue().rule())).toList()));
                }
                if (!ingress.isEmpty()) {
                    expected.add(ownWrites.revoke(assumed, stored, false, ingress, "revert"));
                    ec2.revokeSecurityGroupIngress(b -> b.groupId(stored.groupId()).securityGroupRuleIds(ingress));
                }
                if (!egress.isEmpty()) {
                    expected.add(ownWrites.revoke(assumed, stored, true, egress, "revert"));
                    ec2.revokeSecurityGroupEgress(b -> b.groupId(stored.groupId()).securityGroupRuleIds(egress));
                }
            } catch (Ec2Exception e) {
                // the call EC2 refused changed nothing; the ones before it did, and stay expected
                if (!expected.isEmpty()) {
                    ownWrites.withdraw(expected.get(expected.size() - 1));
                }
                if (e.awsErrorDetails() != null && "RequestLimitExceeded".equals(e.awsErrorDetails().errorCode())) {
                    throw new RevokeThrottledException(e);
                }
                throw e;
            }
            List<String> removed = new ArrayList<>(ingress);
            removed.addAll(egress);
            return new Restoration(Status.REVERTED, restore, removed);
        }
    }

    /** The ModifySecurityGroupRules entry that puts a rule back to this form, description included. */
    public static SecurityGroupRuleUpdate update(String ruleId, Rule form) {
        boolean all = form.isAllProtocols();
        SecurityGroupRuleRequest.Builder request = SecurityGroupRuleRequest.builder()
                .ipProtocol(all ? "-1" : form.protocol())
                .fromPort(all || form.fromPort() == null ? -1 : form.fromPort())
                .toPort(all || form.toPort() == null ? -1 : form.toPort())
                // an empty description clears one a later change may have added
                .description(form.description() == null ? "" : form.description());
        switch (form.peer().kind()) {
            case IPV4_CIDR -> request.cidrIpv4(form.peer().value());
            case IPV6_CIDR -> request.cidrIpv6(form.peer().value());
            case PREFIX_LIST -> request.prefixListId(form.peer().value());
            case SECURITY_GROUP -> request.referencedGroupId(form.peer().value());
        }
        return SecurityGroupRuleUpdate.builder().securityGroupRuleId(ruleId).securityGroupRule(request.build()).build();
    }

    private static String describe(SecurityGroupRule current) {
        Rule r = GroupRules.rule(current);
        return r.describeTraffic() + (Boolean.TRUE.equals(current.isEgress()) ? " to " : " from ")
                + r.peer().describe();
    }
}
