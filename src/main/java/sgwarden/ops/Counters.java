package sgwarden.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Header;

import io.micrometer.core.instrument.MeterRegistry;

import sgwarden.change.Decision;
import sgwarden.change.Keys;

/** The counters the routes keep; their names are listed in the README. */
@ApplicationScoped
@Named("counters")
public class Counters {

    public static final String INTAKE = "sgwardenIntake";

    @Inject
    MeterRegistry registry;

    /** outcome: seen, announced, duplicate, claim-held, unparseable, skipped. */
    public void change(@Header(INTAKE) String intake, String outcome) {
        registry.counter("sgwarden.changes", "intake", String.valueOf(intake), "outcome", outcome).increment();
    }

    /** A change not announced on purpose, counted as skipped and by its reason. */
    public void skipped(@Header(INTAKE) String intake, String reason) {
        change(intake, "skipped");
        registry.counter("sgwarden.changes.skipped", "intake", String.valueOf(intake), "reason", reason).increment();
    }

    /** A change made through sgwarden's spoke role, or named like sgwarden's, that sgwarden did not make. */
    public void posing(@Header(INTAKE) String intake, String as) {
        registry.counter("sgwarden.changes.posing", "intake", String.valueOf(intake), "as", as).increment();
    }

    public void decision(String kind) {
        registry.counter("sgwarden.decisions", "kind", kind).increment();
    }

    /**
     * The click on the exchange, by its kind: a group button (approve-all, deny-all, deny-failed, one-by-one,
     * extend-all), or the approve or deny it made on one change of the group.
     */
    public void decided(@org.apache.camel.ExchangeProperty(Keys.DECISION) Decision decision) {
        decision(decision.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    }

    /**
     * A name for a message that could not be had: kind group or account; outcome failed (AWS refused or
     * failed) or late (not back within sgwarden.names.max-wait; the message went out with IDs).
     */
    public void nameLookup(String kind, String outcome) {
        registry.counter("sgwarden.names.lookups", "kind", kind, "outcome", outcome).increment();
    }

    public void revert(String outcome) {
        registry.counter("sgwarden.reverts", "outcome", outcome).increment();
    }

    /** outcome: retried (one more attempt), failed (the message stayed as it was). */
    public void slackUpdate(String outcome) {
        registry.counter("sgwarden.slack.updates", "outcome", outcome).increment();
    }

    public void slackPost(String outcome) {
        registry.counter("sgwarden.slack.posts", "outcome", outcome).increment();
    }

    /** A tamper alert posted: part rule or role, and whether the call went through or was refused. */
    public void tamper(String part, boolean refused) {
        registry.counter("sgwarden.tamper.alerts", "part", part.toLowerCase(java.util.Locale.ROOT), "outcome",
                refused ? "refused" : "done").increment();
    }

    /** A heartbeat read, or a silence or return posted (outcome heard, silent, back). */
    public void heartbeat(String outcome) {
        registry.counter("sgwarden.heartbeats", "outcome", outcome).increment();
    }

    /** Groups attached to an interface, by outcome: approved (all their rules, nothing posted). */
    public void attachment(String outcome) {
        registry.counter("sgwarden.attachments", "outcome", outcome).increment();
    }

    /** Prefix list changes, by outcome: removal-only, unused (no group names the list), unreadable (a person told). */
    public void prefixList(String outcome) {
        registry.counter("sgwarden.prefix.lists", "outcome", outcome).increment();
    }
}
