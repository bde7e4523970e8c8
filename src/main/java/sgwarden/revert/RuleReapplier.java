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
import org.jboss.logging.Logger;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRule;
import software.amazon.awssdk.services.ec2.model.SecurityGroupRuleUpdate;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

import sgwarden.aws.AwsClients;
import sgwarden.aws.GroupRules;
import sgwarden.change.CloudTrailParser;
import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.KnownForm;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.store.Restoration;
import sgwarden.store.RuleForms;

/**
 * Restore: puts back exactly the rules a revert removed, as the CloudTrail record describes them
 * (same protocol, ports, peer and description), with the role assumed in the owning account; for a
 * modification, the later forms again (ModifySecurityGroupRules by rule ID). EC2
 * gives the rules new IDs; those are returned for the audit trail. A rule that is back already
 * (someone re-added it) is left as it is.
 */
@ApplicationScoped
@Named("ruleReapplier")
public class RuleReapplier {

    private static final Logger LOG = Logger.getLogger(RuleReapplier.class);
    static final String DUPLICATE = "InvalidPermission.Duplicate";

    @Inject
    AwsClients clients;

    @Inject
    CloudTrailParser parser;

    @Inject
    RuleForms ruleForms;

    @Inject
    OwnWrites ownWrites;

    public List<String> reapply(@Body AssumeRoleResponse assumed, @ExchangeProperty(Keys.STORED) StoredChange stored,
            @ExchangeProperty(Keys.DECISION) Decision decision) {
        SecurityGroupChange change = parser.parse(stored.record(), null).withEarlier(stored.earlier());
        if (change.isModification()) {
            return remodify(assumed, stored, change, decision);
        }
        List<Rule> rules = change.rules().stream()
                .filter(r -> r.ruleId() != null && stored.ruleIds().contains(r.ruleId())).toList();
        if (rules.isEmpty()) {
            throw new IllegalStateException(
                    "the change names no rules that were removed, so there is nothing to restore");
        }
        Credentials c = assumed.credentials();
        try (Ec2Client ec2 = clients.ec2(stored.region(), c)) {
            try {
                return call(assumed, ec2, stored, rules);
            } catch (Ec2Exception e) {
                if (!duplicate(e)) {
                    throw classify(e);
                }
            }
            // one call adds all or nothing: with some rules back already, add the rest one by one
            List<String> ids = new ArrayList<>();
            for (Rule r : rules) {
                try {
                    ids.addAll(call(assumed, ec2, stored, List.of(r)));
                } catch (Ec2Exception e) {
                    if (!duplicate(e)) {
                        throw classify(e);
                    }
                    LOG.infof("a rule of change %s was already back: %s", stored.changeId(), permission(r));
                }
            }
            return ids;
        }
    }

    /**
     * A modification's Restore: its later forms again. A rule the revert put back to its earlier form
     * is modified again, by rule ID; a rule the revert removed (its earlier form was not known) is
     * added anew in its later form. The ledger's forms of the rules become the later ones.
     */
    private List<String> remodify(AssumeRoleResponse assumed, StoredChange stored, SecurityGroupChange change,
            Decision decision) {
        Credentials c = assumed.credentials();
        try (Ec2Client ec2 = clients.ec2(stored.region(), c)) {
            Map<String, SecurityGroupRule> now = GroupRules.byId(ec2, stored.groupId(), change.ruleIds());
            List<SecurityGroupRuleUpdate> updates = new ArrayList<>();
            Map<String, Rule> laterForms = new LinkedHashMap<>();
            List<Rule> removed = new ArrayList<>();
            Map<String, KnownForm> forms = new LinkedHashMap<>();
            for (Rule after : change.rules()) {
                if (now.containsKey(after.ruleId())) {
                    updates.add(RuleRestorer.update(after.ruleId(), after));
                    laterForms.put(after.ruleId(), after);
                    KnownForm before = change.earlier().get(after.ruleId());
                    forms.put(after.ruleId(), new KnownForm(before == null ? null : before.direction(), after));
                } else {
                    removed.add(after);
                }
            }
            List<String> ids = new ArrayList<>();
            try {
                if (!updates.isEmpty()) {
                    OwnWrites.Expected expected = ownWrites.modify(assumed, stored, laterForms, "restore");
                    try {
                        ec2.modifySecurityGroupRules(b -> b.groupId(stored.groupId()).securityGroupRules(updates));
                    } catch (Ec2Exception e) {
                        ownWrites.withdraw(expected);
                        throw e;
                    }
                    ids.addAll(forms.keySet());
                }
                if (!removed.isEmpty()) {
                    ids.addAll(call(assumed, ec2, stored, removed));
                }
            } catch (Ec2Exception e) {
                throw classify(e);
            }
            ruleForms.restored(decision, new Restoration(Status.RESTORED, forms, List.of()));
            return ids;
        }
    }

    /** One authorize, recorded first as a write of sgwarden's own, so that its CloudTrail event is recognized. */
    private List<String> call(AssumeRoleResponse assumed, Ec2Client ec2, StoredChange stored, List<Rule> forms) {
        OwnWrites.Expected expected = ownWrites.authorize(assumed, stored, stored.isEgress(), forms, "restore");
        try {
            return authorize(ec2, stored, forms.stream().map(RuleReapplier::permission).toList());
        } catch (Ec2Exception e) {
            ownWrites.withdraw(expected);
            throw e;
        }
    }

    private static List<String> authorize(Ec2Client ec2, StoredChange stored, List<IpPermission> permissions) {
        List<SecurityGroupRule> rules = stored.isEgress()
                ? ec2.authorizeSecurityGroupEgress(b -> b.groupId(stored.groupId()).ipPermissions(permissions))
                        .securityGroupRules()
                : ec2.authorizeSecurityGroupIngress(b -> b.groupId(stored.groupId()).ipPermissions(permissions))
                        .securityGroupRules();
        return rules.stream().map(SecurityGroupRule::securityGroupRuleId).toList();
    }

    /** The rule as EC2 takes it back: -1 for all protocols, ports only where the record gave them. */
    static IpPermission permission(Rule rule) {
        IpPermission.Builder p = IpPermission.builder().ipProtocol(rule.isAllProtocols() ? "-1" : rule.protocol());
        if (!rule.isAllProtocols()) {
            if (rule.fromPort() != null) {
                p.fromPort(rule.fromPort());
            }
            if (rule.toPort() != null) {
                p.toPort(rule.toPort());
            }
        }
        String description = rule.description() == null || rule.description().isEmpty() ? null : rule.description();
        switch (rule.peer().kind()) {
            case IPV4_CIDR -> p.ipRanges(r -> r.cidrIp(rule.peer().value()).description(description));
            case IPV6_CIDR -> p.ipv6Ranges(r -> r.cidrIpv6(rule.peer().value()).description(description));
            case PREFIX_LIST -> p.prefixListIds(r -> r.prefixListId(rule.peer().value()).description(description));
            case SECURITY_GROUP -> p.userIdGroupPairs(r -> r.groupId(rule.peer().value())
                    .userId(rule.peer().ownerAccount()).description(description));
        }
        return p.build();
    }

    private static boolean duplicate(Ec2Exception e) {
        return e.awsErrorDetails() != null && DUPLICATE.equals(e.awsErrorDetails().errorCode());
    }

    private static RuntimeException classify(Ec2Exception e) {
        if (e.awsErrorDetails() != null && "RequestLimitExceeded".equals(e.awsErrorDetails().errorCode())) {
            return new RevokeThrottledException(e);
        }
        return e;
    }
}
