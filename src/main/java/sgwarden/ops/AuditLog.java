package sgwarden.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import sgwarden.change.Decision;
import sgwarden.change.Keys;
import sgwarden.change.OwnWrite;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.StoredChange;
import sgwarden.plumbing.TamperEvent;

/**
 * One INFO line in the category sgwarden.audit for every action: a change announced or skipped, a
 * decision, a revert's outcome, a click refused. The fields go in the message as key=value and in
 * the MDC, which the JSON log format writes as the object "mdc" (so Logs Insights reads
 * mdc.audit, mdc.outcome, ...). Only identifiers and outcomes are written: never the record, a
 * response_url, a token or a signature.
 */
@ApplicationScoped
@Named("auditLog")
public class AuditLog {

    public static final String CATEGORY = "sgwarden.audit";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    public void announced(@Body SecurityGroupChange change, @Header(Counters.INTAKE) String intake,
            @ExchangeProperty(Keys.GROUP) String groupId) {
        Map<String, String> f = fields("announced", change);
        f.put("intake", intake);
        // announced in a group message: its line names the group, each change's line names it too
        f.put("groupId", groupId);
        f.put("actor", change.actor() == null ? null : change.actor().principalArn());
        write(f);
    }

    /**
     * reason: duplicate, unparseable, only description edits, or not a successful rule change
     * (sgwarden's own writes: {@link #ownWrite}). A Lake run reading again a
     * change it announced before is no event (the windows overlap by design): it is only counted.
     */
    public void skipped(String reason, @Body Object body, @Header(Counters.INTAKE) String intake,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception why) {
        if ("duplicate".equals(reason) && "lake".equals(intake)) {
            return;
        }
        SecurityGroupChange change = body instanceof SecurityGroupChange read ? read : null;
        Map<String, String> f = change == null ? new LinkedHashMap<>(Map.of("audit", "skipped"))
                : fields("skipped", change);
        f.put("reason", reason);
        if (change != null && change.actor() != null) {
            f.put("principal", change.actor().principalArn());
        }
        f.put("intake", intake);
        if (why != null) {
            f.put("error", why.getMessage());
        }
        write(f);
    }

    /**
     * A change skipped as one of sgwarden's own writes: the event, the principal that made it, and the
     * write sgwarden recorded before making it, which the event matched (and consumed). The same event
     * read again by an overlapping Lake run is only counted, as a duplicate is.
     */
    public void ownWrite(@Body SecurityGroupChange change,
            @ExchangeProperty(Keys.OWN_WRITE) OwnWrite.Recognized recognized,
            @Header(Counters.INTAKE) String intake) {
        if (recognized.again() && "lake".equals(intake)) {
            return;
        }
        Map<String, String> f = fields("skipped", change);
        f.put("reason", recognized.again() ? "duplicate" : "sgwarden's own write");
        f.put("principal", change.actor() == null ? null : change.actor().principalArn());
        f.put("eventName", change.eventName());
        f.put("expected", recognized.expected());
        f.put("intake", intake);
        write(f);
    }

    /**
     * A change made through sgwarden's spoke role (as: spoke-role), or by a role or session named like
     * sgwarden's (as: name), that matches no write of sgwarden's: it goes on to the policies and Slack.
     */
    public void posing(@Body SecurityGroupChange change, String as, @Header(Counters.INTAKE) String intake) {
        Map<String, String> f = fields("posing", change);
        f.put("as", as);
        f.put("principal", change.actor() == null ? null : change.actor().principalArn());
        f.put("eventName", change.eventName());
        f.put("intake", intake);
        write(f);
    }

    public void decision(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.STORED) StoredChange stored) {
        Map<String, String> f = fields("decision", stored);
        f.put("decision", decision.kind() == null ? null : decision.kind().name());
        who(f, decision);
        if (stored.approvedUntil() != null) {
            f.put("until", stored.approvedUntil().toString());
        }
        write(f);
    }

    /** A change nobody decided got its one reminder (claimed by this replica). */
    public void reminded(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        write(fields("reminded", stored));
    }

    /** An approval's Extend notice went out (claimed by this replica). */
    public void noticed(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        Map<String, String> f = fields("notice", stored);
        f.put("until", stored.approvedUntil() == null ? null : stored.approvedUntil().toString());
        write(f);
    }

    /** Extend: who moved an approval's expiry, and to when ("permanent" for no expiry). */
    public void extended(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.STORED) StoredChange stored) {
        Map<String, String> f = fields("extended", stored);
        who(f, decision);
        f.put("until", stored.approvedUntil() == null ? "permanent" : stored.approvedUntil().toString());
        write(f);
    }

    /** A policy decided a change nobody decided in time (undecided in the policy file). */
    public void undecided(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.STORED) StoredChange stored,
            @ExchangeProperty(Keys.UNDECIDED_FOR) String after) {
        Map<String, String> f = fields("decision", stored);
        f.put("decision", decision.kind().name());
        who(f, decision);
        f.put("undecidedFor", after);
        write(f);
    }

    /** An approval for a time has run out and this replica claimed it: its revert follows, with its own line. */
    public void expired(@ExchangeProperty(Keys.STORED) StoredChange stored) {
        Map<String, String> f = fields("expired", stored);
        f.put("outcome", stored.status().name());
        f.put("approvedBy", stored.decidedBy());
        f.put("approvedFor", stored.approvedFor());
        f.put("until", stored.approvedUntil() == null ? null : stored.approvedUntil().toString());
        write(f);
    }

    public void revert(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.STORED) StoredChange stored) {
        Map<String, String> f = fields("revert", stored);
        // a modification is undone by restoring the earlier rules, an addition by revoking them
        f.put("undo", stored.isAttachment() ? "detach"
                : stored.isPrefixList() ? "prefix-list" : stored.isModification() ? "restore" : "revoke");
        f.put("outcome", stored.status().name());
        who(f, decision);
        f.put("error", stored.error());
        write(f);
    }

    /** How a Restore ended: RESTORED with the rules' IDs now, or RESTORE_FAILED with the reason. */
    public void restore(@ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Keys.STORED) StoredChange stored) {
        Map<String, String> f = fields("restore", stored);
        f.put("outcome", stored.status().name());
        who(f, decision);
        f.put("error", stored.error());
        write(f);
    }

    /** A group message Slack accepted: which changes it announced, for whom. */
    public void groupAnnounced(@ExchangeProperty(Keys.GROUP) String groupId,
            @Body List<SecurityGroupChange> members) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", "group-announced");
        f.put("groupId", groupId);
        f.put("size", Integer.toString(members.size()));
        if (!members.isEmpty()) {
            f.put("account", members.get(0).accountId());
            f.put("actor", members.get(0).actor().principalArn());
        }
        write(f);
    }

    /** A group button clicked (Approve all, Deny all, Deny again, Decide one by one); each change gets its own line. */
    public void groupDecision(@ExchangeProperty(Keys.DECISION) Decision decision) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", "group-decision");
        f.put("groupId", decision.changeId());
        f.put("decision", decision.kind().name());
        f.put("action", decision.actionId());
        who(f, decision);
        write(f);
    }

    /** A click that changed nothing: status is the HTTP status Slack got. */
    public void refused(int status, @ExchangeProperty(Keys.DECISION) Decision decision,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception why) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", "refused");
        f.put("status", Integer.toString(status));
        f.put("reason", why == null ? null : why.getMessage());
        if (decision != null) {
            f.put("changeId", decision.changeId());
            f.put("action", decision.actionId());
            who(f, decision);
        }
        write(f);
    }

    /**
     * A request to the Slack endpoint refused before its body was read (by its headers), or whose body
     * did not arrive in time: the same line as {@link #refused}, with body=unread.
     */
    public void refusedUnread(int status, String reason) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", "refused");
        f.put("status", Integer.toString(status));
        f.put("reason", reason);
        f.put("body", "unread");
        write(f);
    }

    private static Map<String, String> fields(String audit, SecurityGroupChange change) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", audit);
        f.put("changeId", change.eventId());
        f.put("account", change.accountId());
        f.put("region", change.region());
        f.put("group", change.groupId());
        f.put("direction", change.direction() == null ? null : change.direction().name());
        f.put("ruleIds", String.join(",", change.ruleIds()));
        return f;
    }

    private static Map<String, String> fields(String audit, StoredChange stored) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", audit);
        f.put("changeId", stored.changeId());
        f.put("account", stored.accountId());
        f.put("region", stored.region());
        f.put("group", stored.groupId());
        f.put("direction", stored.direction());
        f.put("ruleIds", String.join(",", stored.ruleIds() == null ? List.of() : stored.ruleIds()));
        return f;
    }

    /** A change to sgwarden's own parts in a member account, posted as a tamper alert (the alarm counts these). */
    public void tamper(@Body TamperEvent event) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", "tamper");
        f.put("eventId", event.eventId());
        f.put("eventName", event.eventName());
        f.put("account", event.account());
        f.put("region", event.region());
        f.put("part", event.partName());
        f.put("actor", event.actor().principalArn());
        f.put("outcome", event.refused() ? "REFUSED:" + event.error() : "DONE");
        write(f);
    }

    /** Who acknowledged a tamper alert. */
    public void acknowledged(@ExchangeProperty(Keys.DECISION) Decision decision) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", "acknowledged");
        f.put("eventId", decision.changeId());
        who(f, decision);
        write(f);
    }

    /** outcome SILENT (claimed and posted by this replica) or BACK: the heartbeat alarm counts SILENT. */
    public void heartbeat(String outcome, String account, String region, java.time.Instant lastHeard) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("audit", "heartbeat");
        f.put("outcome", outcome);
        f.put("account", account);
        f.put("region", region);
        f.put("lastHeard", lastHeard == null ? null : lastHeard.toString());
        write(f);
    }

    private static void who(Map<String, String> f, Decision decision) {
        f.put("user", decision.userId());
        f.put("userName", decision.userName());
        f.put("team", decision.teamId());
    }

    private static void write(Map<String, String> fields) {
        StringBuilder line = new StringBuilder();
        Map<String, String> clean = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                String value = clean(v);
                clean.put(k, value);
                line.append(line.isEmpty() ? "" : " ").append(k).append('=')
                        .append(value.indexOf(' ') >= 0 || value.indexOf('"') >= 0
                                ? '"' + value.replace("\"", "'") + '"'
                                : value);
            }
        });
        clean.forEach(MDC::put);
        try {
            LOG.info(line);
        } finally {
            clean.keySet().forEach(MDC::remove);
        }
    }

    /** One line, bounded: text from Slack or AWS cannot forge a second log line. */
    private static String clean(String value) {
        String flat = value.replaceAll("\\p{Cntrl}", " ");
        return flat.length() > 500 ? flat.substring(0, 500) + "…" : flat;
    }
}
