package sgwarden.policy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Reach;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;
import sgwarden.change.Tagging;
import sgwarden.change.UnparseableRecordException;

/**
 * Shows what a policy file does with CloudTrail records, without AWS, Slack or the service:
 *
 * <pre>
 * java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*" \
 *      sgwarden.policy.Explain [--tags key=value,...] policy.yaml [record.json ...]
 * </pre>
 *
 * A CreateTags or DeleteTags record shows what it switches, with --tags as the group's tags before.
 * A plain main class rather than a Quarkus command: it starts in well under a second, needs none of
 * the service's settings, and leaves the service's own entry point alone. With no record it only
 * checks the file. Exit status: 0 done, 1 bad policy file or unreadable record, 2 wrong usage.
 */
public final class Explain {

    static final String USAGE = "usage: Explain [--tags key=value,...] <policy file> [<CloudTrail record file> ...]\n"
            + "  a record file holds one CloudTrail record, bare or in an EventBridge envelope; - reads stdin";

    private Explain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> files = new ArrayList<>();
        Map<String, String> tags = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tags") && i + 1 < args.length) {
                tags = parseTags(args[++i]);
                if (tags == null) {
                    err.println("--tags takes key=value pairs separated by commas");
                    return 2;
                }
            } else if (args[i].startsWith("--") || args[i].equals("-h")) {
                err.println(USAGE);
                return 2;
            } else {
                files.add(args[i]);
            }
        }
        if (files.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        PolicyFile file;
        try {
            file = PolicySource.read(Path.of(files.get(0)));
        } catch (PolicyFileException e) {
            err.println(e.getMessage());
            return 1;
        }
        printPolicies(file, out);
        Map<String, String> groupTags = tags == null ? Map.of() : tags;
        if (file.usesTags() && tags == null && files.size() > 1) {
            out.println("(a policy matches on group tags, which come from AWS; without --tags the group has none)");
        }
        PolicyEvaluator evaluator = new PolicyEvaluator(file, (account, region, group) -> groupTags);
        CloudTrailParser parser = new CloudTrailParser(new ObjectMapper());
        int status = 0;
        for (String name : files.subList(1, files.size())) {
            out.println();
            out.println("record " + name);
            String json;
            try {
                json = name.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(name), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("cannot read " + name + ": " + e);
                status = 1;
                continue;
            }
            SecurityGroupChange change;
            try {
                change = parser.parse(json, "explain");
            } catch (UnparseableRecordException e) {
                err.println(name + ": " + e.getMessage());
                status = 1;
                continue;
            }
            if (change == null) {
                out.println("  not a rule change sgwarden acts on (a failed call, or another event): nothing to do");
                continue;
            }
            if (change.changesTags()) {
                printTags(file, change, groupTags, out);
                continue;
            }
            if (change.changesPrefixList() && change.rules().isEmpty()) {
                out.println("  " + change.eventName() + " on prefix list " + change.prefixList().describe()
                        + (change.unreadable() == null ? "" : " (" + change.unreadable() + ")")
                        + ": sgwarden reads the list's entries at the new version and the one before through the"
                        + " spoke role, and judges each rule that uses the list as if each CIDR added were its peer,"
                        + " one change per group; nothing added, nothing posted. A record as sgwarden stored it"
                        + " (with " + CloudTrailParser.STORED_LIST + ") shows the verdict.");
                continue;
            }
            print(change, evaluator.evaluate(change), out);
        }
        return status;
    }

    static void printPolicies(PolicyFile file, PrintStream out) {
        int count = file.policies().size();
        out.println("policy file " + file.source() + ": " + count + (count == 1 ? " policy" : " policies")
                + (count > 1 ? ", tried in order" : ""));
        int n = 1;
        for (Policy p : file.policies()) {
            out.println("  " + n++ + ". " + p.name() + " (line " + p.line() + "): " + describe(p));
        }
        out.println("  rules no policy matches: ask");
    }

    static void print(SecurityGroupChange change, Verdict verdict, PrintStream out) {
        out.println("change " + change.eventId() + ": " + change.eventName() + " ("
                + EventKind.ofEventName(change.eventName()).word() + ", " + change.direction().name().toLowerCase()
                + ") on " + change.groupId() + " in " + change.accountId() + " / " + change.region());
        if (change.changesPrefixList()) {
            out.println("  prefix list " + change.prefixList().describe() + " " + "version "
                    + change.prefixList().seenVersion() + " -> " + change.prefixList().version() + ": added "
                    + change.prefixList().addedCidrs() + ", removed " + change.prefixList().removedCidrs()
                    + "; each rule of the group that uses the list is judged as if each added CIDR were its peer");
        }
        if (change.actor() != null) {
            out.println("  by " + change.actor().principalArn() + " (" + change.actor().identityType()
                    + "), user agent " + change.actor().userAgent());
        }
        int n = 1;
        List<Reach> reach = Reach.of(change.rules());
        for (RuleVerdict r : verdict.rules()) {
            Rule rule = r.rule();
            String kinds = kinds(rule, change.accountId(), reach.get(n - 1));
            out.println("  rule " + n++ + (rule.ruleId() == null ? "" : " " + rule.ruleId()) + ": "
                    + change.direction().adjective() + " " + rule.describeTraffic() + " "
                    + change.direction().peerPreposition() + " " + (rule.peer() == null ? "?" : rule.peer().describe())
                    + " [" + kinds + "] -> "
                    + (r.policy() == null ? "no policy" : r.policyName()) + ": " + r.action().word()
                    + (r.dryRun() ? " (dry run: would " + r.policyAction().word() + ")" : ""));
        }
        StringBuilder line = new StringBuilder("action: " + verdict.action().word());
        List<String> notes = new ArrayList<>();
        notes.add(verdict.policy() == null ? "no policy" : "policy " + verdict.policyName());
        if (verdict.post() != null) {
            notes.add("post " + verdict.post().word());
        }
        if (verdict.dryRun()) {
            notes.add("dry run: would " + verdict.wouldBe().word());
        }
        line.append(" (").append(String.join(", ", notes)).append(')');
        out.println(line);
    }

    /**
     * A tag change: the group's tags before (--tags) and after, and each policy it switches on or off.
     * The service announces one that switches something and lets approve policies count the new tags
     * only once a person approved them.
     */
    static void printTags(PolicyFile file, SecurityGroupChange change, Map<String, String> before, PrintStream out) {
        Tagging t = change.tagging();
        boolean delete = Tagging.DELETE_EVENT.equals(change.eventName());
        out.println("change " + change.eventId() + ": " + change.eventName() + " " + (t.tags().isEmpty() ? "(every tag)"
                : t.describeTags()) + " on " + String.join(", ", t.groups()) + " in " + change.accountId() + " / "
                + change.region());
        if (t.tags().stream().noneMatch(tag -> file.tagKeys().contains(tag.key()))
                && !(delete && t.tags().isEmpty())) {
            out.println("  no policy matches on " + (t.tags().size() == 1 ? "this key" : "these keys")
                    + ": skipped, nothing posted");
            return;
        }
        Map<String, String> after = Tagging.apply(delete, delete && t.tags().isEmpty()
                ? before.keySet().stream().map(k -> new Tagging.Tag(k, null)).toList()
                : t.tags(), before);
        out.println("  tags before " + new java.util.TreeMap<>(before) + ", after " + new java.util.TreeMap<>(after));
        List<String> switches = TagSwitches.of(file, change.accountId(), change.region(), before, after);
        if (switches.isEmpty()) {
            out.println("  switches no policy: taken as it is, nothing posted");
            return;
        }
        for (String s : switches) {
            out.println("  " + TagSwitches.describe(s, t.groups().get(0)));
        }
        out.println("action: ask (Approve lets approve policies count the new tags; Deny puts the earlier tags back)");
    }

    /** "world: half the internet": the rule's kind, and why when it is not plain. */
    static String kinds(Rule rule, String account, Reach reach) {
        String why = switch (reach.why()) {
            case HALF -> "half the internet";
            case BLOCK -> "a public /8 or wider";
            case TOGETHER -> reach.isWorld() ? "with other rules of this change it opens the whole internet"
                    : "with other rules of this change it opens as many public addresses as a /8";
            case UNREADABLE -> "the CIDR cannot be read";
            case NONE, ALL -> null;
        };
        String kind = PeerKind.of(rule.peer(), account, reach).word();
        return why == null ? kind : kind + ": " + why;
    }

    private static String describe(Policy p) {
        String text = p.action().word();
        if (p.post() != null) {
            text += ", post " + p.post().word();
        }
        if (p.dryRun()) {
            text += ", dry run (acts as ask)";
        }
        return text;
    }

    private static Map<String, String> parseTags(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            tags.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return tags;
    }
}
