package sgwarden.slack;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import sgwarden.change.Reach;
import sgwarden.change.Rule;
import sgwarden.change.Status;
import sgwarden.change.StoredChange;
import sgwarden.config.Settings;

/**
 * What a group's changes come to, counted: the warnings summed over their rules, the policies held
 * back, and how many changes stand where after the group's decisions. The group message and its
 * buttons are drawn from these counts.
 */
@ApplicationScoped
public class GroupTally {

    @Inject
    Clock clock;
    @Inject
    Settings settings;

    /**
     * The changes asked about, by where they stand; failed ones also listed (they are named), and
     * those posted alone (Decide one by one) still waiting only counted.
     */
    public record Tally(Map<Status, Integer> by, List<Announcement> failed, int alone, Instant approvedUntil) {

        /** Something was decided: a group action's outcome is worth showing. */
        public boolean anyDecided() {
            return alone > 0 || by.keySet().stream().anyMatch(s -> s != Status.PENDING && s != Status.ANNOUNCING);
        }

        public int of(Status status) {
            return by.getOrDefault(status, 0);
        }
    }

    public Tally of(List<Announcement> asked) {
        Map<Status, Integer> by = new LinkedHashMap<>();
        List<Announcement> failed = new ArrayList<>();
        int alone = 0;
        for (Announcement a : asked) {
            Status s = a.stored() == null ? Status.PENDING : a.stored().status();
            if (failed(a)) {
                // a revert left REVERTING by a stopped instance counts as failed: Deny again retries it
                s = Status.REVERT_FAILED;
                failed.add(a);
            } else if (s == Status.PENDING && !inGroup(a)) {
                alone++;
                continue;
            }
            by.merge(s, 1, Integer::sum);
        }
        Instant until = asked.stream().map(Announcement::stored).filter(s -> s != null && s.approvedUntil() != null)
                .map(StoredChange::approvedUntil).max(Comparator.naturalOrder()).orElse(null);
        return new Tally(by, failed, alone, until);
    }

    /** Its revert failed, or was left REVERTING by an instance that stopped: Deny again retries it. */
    public boolean failed(Announcement a) {
        return a.stored() != null && (a.stored().status() == Status.REVERT_FAILED
                || settings != null && a.stored().revertStuck(settings.revert().stuckAfter(), clock.instant()));
    }

    /** Not posted alone (Decide one by one) yet: its group message is where it is decided. */
    static boolean inGroup(Announcement a) {
        return a.stored() == null || a.stored().status() == Status.ANNOUNCING || a.stored().announcedIn() != null;
    }

    static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Summed over the rules waiting for a decision: "3 rules open to the whole internet; 1 rule with all protocols". */
    static String warnings(List<Announcement> asked) {
        long world = 0;
        long wide = 0;
        long protocols = 0;
        long ports = 0;
        for (Announcement a : asked) {
            List<Reach> reach = a.change().reach();
            for (int i = 0; i < reach.size(); i++) {
                Rule r = a.change().rules().get(i);
                if (reach.get(i).isWorld()) {
                    world++;
                } else if (reach.get(i).isWide()) {
                    wide++;
                }
                if (r.isAllProtocols()) {
                    protocols++;
                } else if (r.isAllPorts()) {
                    ports++;
                }
            }
        }
        List<String> why = new ArrayList<>();
        if (world > 0) {
            why.add(count(world, "rule") + " open to the whole internet");
        }
        if (wide > 0) {
            why.add(count(wide, "rule") + " open to a large part of the internet");
        }
        if (protocols > 0) {
            why.add(count(protocols, "rule") + " with all protocols");
        }
        if (ports > 0) {
            why.add(count(ports, "rule") + " with all ports");
        }
        return why.isEmpty() ? null : ":warning: *Warning:* " + String.join("; ", why);
    }

    /** The approve policies held back because a tag they need is not approved yet, one line per change. */
    static String notApproved(List<Announcement> asked) {
        List<String> lines = new ArrayList<>();
        for (Announcement a : asked) {
            String line = a.verdict() == null ? null : PolicyMessages.notApproved(a.change(), a.verdict(), a.names());
            if (line != null && lines.size() < 5) {
                lines.add(line);
            }
        }
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    /** Why some of the changes asked about were not decided by a policy on tags: their groups' tags could not be read. */
    static String tagsUnread(List<Announcement> asked) {
        List<String> policies = new ArrayList<>();
        long changes = 0;
        for (Announcement a : asked) {
            if (a.verdict() != null && !a.verdict().tagsUnread().isEmpty()) {
                changes++;
                a.verdict().tagsUnread().forEach(p -> {
                    if (!policies.contains(p.name())) {
                        policies.add(p.name());
                    }
                });
            }
        }
        if (changes == 0) {
            return null;
        }
        return ":lock: For " + count(changes, "change") + " the group's tags could not be read, so "
                + (policies.size() == 1 ? "policy " : "policies ")
                + String.join(", ", policies.stream().map(n -> "*" + Mrkdwn.escape(n, 100) + "*").limit(10).toList())
                + " could not be applied: a person decides.";
    }
}
