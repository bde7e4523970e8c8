package sgwarden.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.quarkus.main.events.BeforeInitialize;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import sgwarden.change.ApprovalDuration;

/**
 * Refuses to start with settings that would leave the service deaf, mute or unsafe. It runs before
 * Camel builds any route, so a bad setting stops the start with one line that names it, rather
 * than an intake that silently never starts.
 */
@ApplicationScoped
public class SettingsCheck {

    private static final Logger LOG = Logger.getLogger(SettingsCheck.class);
    // IAM: a path is "/" or "/" + printable ASCII + "/", at most 512 characters
    private static final Pattern IAM_PATH = Pattern.compile("/|/[\\u0021-\\u007E]{1,510}/");
    private static final Pattern IAM_ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern DATA_STORE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,127}");
    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z]{1,128}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    private static final Pattern ACCOUNT_NAME = Pattern.compile("\\d{12}\\s*=\\s*\\S.{0,49}");
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern GROUP_ID = Pattern.compile("sg-([0-9a-f]{8}|[0-9a-f]{17})");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    // Slack member IDs: U…, or W… in an Enterprise Grid
    private static final Pattern SLACK_USER = Pattern.compile("[UW][A-Z0-9]{2,}");
    /** The explicit "anyone in the workspace" of sgwarden.slack.allowed-users. */
    public static final String ANYONE = "*";
    /** The log field of the line a start waiting for its Slack secrets writes (the compute stacks alarm on it). */
    public static final String WAITING = "waiting";

    @Inject
    Settings settings;

    void onStart(@Observes BeforeInitialize event) {
        List<String> problems = problems(settings);
        if (!problems.isEmpty()) {
            problems.forEach(p -> LOG.errorf("invalid setting: %s", p));
            throw new InvalidSettingsException(problems);
        }
        warnings(settings).forEach(w -> LOG.warnf("setting: %s", w));
        List<String> waiting = SlackSecrets.waitingFor(settings);
        if (!waiting.isEmpty()) {
            // a field of its own, so that the compute stacks' metric filter counts every start that waits
            MDC.put(WAITING, "slack-secrets");
            try {
                LOG.warn(SlackSecrets.warning(waiting));
            } finally {
                MDC.remove(WAITING);
            }
        }
    }

    /** What is valid but wider than it should be in production: one line each, logged as WARN at start. */
    public static List<String> warnings(Settings s) {
        List<String> out = new ArrayList<>();
        if (allowedUsers(s).contains(ANYONE)) {
            out.add(name("sgwarden.slack.allowed-users") + " is '*': anyone in workspace "
                    + s.slack().allowedTeam().map(String::trim).orElse("") + " may approve or deny, and so revert,"
                    + " any security group change");
        }
        return out;
    }

    /** The allow list as written, trimmed, blanks dropped. */
    public static List<String> allowedUsers(Settings s) {
        return s.slack().allowedUsers().orElse(List.of()).stream().map(String::trim).filter(u -> !u.isEmpty())
                .toList();
    }

    /** Every problem, one line each, naming the property and its environment variable. */
    public static List<String> problems(Settings s) {
        List<String> out = new ArrayList<>();
        aws(out, s);
        lake(out, s);
        sqs(out, s);
        table(out, s);
        slack(out, s);
        slackPosting(out, s);
        approvals(out, s);
        grouping(out, s);
        revert(out, s);
        ownLoadBalancer(out, s);
        policy(out, s);
        names(out, s);
        return out;
    }

    /** The AWS region and endpoint every client uses. */
    private static void aws(List<String> out, Settings s) {
        region(out, "sgwarden.aws.region", s.aws().region());
        url(out, "sgwarden.aws.endpoint-override", s.aws().endpointOverride());
    }

    /** The CloudTrail Lake intake: its event data store when it is on, its schedule and query. */
    private static void lake(List<String> out, Settings s) {
        if (s.intake().lake()) {
            Optional<String> store = s.lake().eventDataStoreId();
            if (store.isEmpty()) {
                out.add(name("sgwarden.lake.event-data-store") + " must be set when sgwarden.intake is "
                        + lower(s.intake()));
            } else if (!DATA_STORE_ID.matcher(store.get()).matches()) {
                out.add(name("sgwarden.lake.event-data-store") + " must be an event data store ID or ARN; it is '"
                        + s.lake().eventDataStore().orElse("") + "'");
            }
        }
        positive(out, "sgwarden.lake.period", s.lake().period());
        notNegative(out, "sgwarden.lake.initial-delay", s.lake().initialDelay());
        region(out, "sgwarden.lake.region", s.lake().region());
        for (String eventName : s.lake().eventNames()) {
            if (!EVENT_NAME.matcher(eventName.trim()).matches()) {
                out.add(name("sgwarden.lake.event-names") + " must list CloudTrail event names (letters only); '"
                        + eventName + "' is not one");
            }
        }
        positive(out, "sgwarden.lake.lookback", s.lake().lookback());
        if (s.lake().lookback().compareTo(s.lake().period()) < 0) {
            out.add(name("sgwarden.lake.lookback") + " must be at least sgwarden.lake.period ("
                    + s.lake().period() + "), or changes between two runs are never looked at; it is "
                    + s.lake().lookback());
        }
        positive(out, "sgwarden.lake.poll-interval", s.lake().pollInterval());
        positive(out, "sgwarden.lake.max-wait", s.lake().maxWait());
        range(out, "sgwarden.lake.page-size", s.lake().pageSize(), 1, 1000);
        url(out, "sgwarden.lake.endpoint-override", s.lake().endpointOverride());
    }

    /** The SQS intake: its queue when it is on, and how it receives. */
    private static void sqs(List<String> out, Settings s) {
        if (s.intake().sqs()) {
            if (s.sqs().queueUrl().filter(u -> !u.isBlank()).isEmpty()) {
                out.add(name("sgwarden.sqs.queue-url") + " must be set when sgwarden.intake is " + lower(s.intake()));
            } else {
                url(out, "sgwarden.sqs.queue-url", s.sqs().queueUrl());
            }
        }
        range(out, "sgwarden.sqs.wait-time", s.sqs().waitTime(), 0, 20);
        range(out, "sgwarden.sqs.batch-size", s.sqs().batchSize(), 1, 10);
        range(out, "sgwarden.sqs.consumers", s.sqs().consumers(), 1, 100);
        range(out, "sgwarden.sqs.visibility-timeout", s.sqs().visibilityTimeout(), 1, 43_200);
        range(out, "sgwarden.sqs.stop-timeout", s.sqs().stopTimeout(), 1, 60);
    }

    /** The ledger table and how long it keeps what it holds. */
    private static void table(List<String> out, Settings s) {
        if (s.table().isBlank()) {
            out.add(name("sgwarden.table") + " must name the ledger table");
        }
        positive(out, "sgwarden.retention", s.retention());
        positive(out, "sgwarden.claim-timeout", s.claimTimeout());
    }

    /** Where Slack is told, and how its clicks are verified. */
    private static void slack(List<String> out, Settings s) {
        Settings.Slack slack = s.slack();
        if (!slack.botMode() && slack.webhookUrl().filter(u -> !u.isBlank()).isEmpty()) {
            out.add(name("sgwarden.slack.webhook-url") + " or " + name("sgwarden.slack.bot-token")
                    + " must be set, or no change can be announced");
        }
        // the placeholder a first deployment seeds is no URL, and no mistake either: the start waits (SlackSecrets)
        url(out, "sgwarden.slack.webhook-url",
                slack.webhookUrl().filter(u -> !SlackSecrets.isPlaceholder(Optional.of(u))));
        if (slack.botMode() && slack.channel().isBlank()) {
            out.add(name("sgwarden.slack.channel") + " must name the channel the bot token posts to");
        }
        url(out, "sgwarden.slack.server-url", Optional.of(slack.serverUrl()));
        if (slack.signingSecret().filter(x -> !x.isBlank()).isEmpty()) {
            out.add(name("sgwarden.slack.signing-secret")
                    + " must be set, or no click from Slack can be verified and acted on");
        }
        if (!slack.interactionsPath().startsWith("/")) {
            out.add(name("sgwarden.slack.interactions-path") + " must be a path starting with '/'; it is '"
                    + slack.interactionsPath() + "'");
        }
        url(out, "sgwarden.slack.response-url-prefix", Optional.of(slack.responseUrlPrefix()));
        deciders(out, s);
    }

    /** Who may decide: fail closed, so a forgotten list is a refused start, never an open channel. */
    private static void deciders(List<String> out, Settings s) {
        List<String> users = allowedUsers(s);
        if (users.isEmpty()) {
            out.add(name("sgwarden.slack.allowed-users") + " must list the Slack user IDs who may approve or deny"
                    + " (U0123ABCD,U0456EFGH), or be '*' for anyone in the workspace");
        } else if (users.contains(ANYONE)) {
            if (users.size() > 1) {
                out.add(name("sgwarden.slack.allowed-users") + " is either '*' (anyone in the workspace) or a list"
                        + " of user IDs, not both; it is '" + String.join(",", users) + "'");
            } else if (s.slack().allowedTeam().filter(t -> !t.isBlank()).isEmpty()) {
                out.add(name("sgwarden.slack.allowed-team") + " must name the workspace (T0123ABCD) when"
                        + " sgwarden.slack.allowed-users is '*', or anyone in any workspace the app is installed in"
                        + " could decide");
            }
        } else {
            users.stream().filter(u -> !SLACK_USER.matcher(u).matches()).findFirst()
                    .ifPresent(u -> out.add(name("sgwarden.slack.allowed-users") + " must list Slack user IDs"
                            + " (U or W, then capital letters and digits, as in U0123ABCD), or be '*'; '" + u
                            + "' is not one"));
        }
    }

    /** How Slack is posted to: retries, body size, pacing; the pacing must fit what an SQS receive holds. */
    private static void slackPosting(List<String> out, Settings s) {
        Settings.Slack slack = s.slack();
        range(out, "sgwarden.slack.post.retries", slack.post().retries(), 0, 20);
        range(out, "sgwarden.slack.post.delay", slack.post().delay(), 0, 600_000);
        if (!(slack.post().backoff() >= 1 && slack.post().backoff() <= 10)) {
            out.add(name("sgwarden.slack.post.backoff") + " must be between 1 and 10; it is " + slack.post().backoff());
        }
        range(out, "sgwarden.slack.max-body-bytes", slack.maxBodyBytes(), 1024, 10 * 1024 * 1024);
        if (slack.bodyDeadline().isNegative() || slack.bodyDeadline().isZero()
                || slack.bodyDeadline().compareTo(Duration.ofSeconds(3)) > 0) {
            out.add(name("sgwarden.slack.body-deadline") + " must be more than 0 and at most 3s (Slack waits 3 s for"
                    + " its answer, so a longer wait only keeps slow connections open); it is " + slack.bodyDeadline());
        }
        if (!(slack.rate() > 0 && slack.rate() <= 100)) {
            out.add(name("sgwarden.slack.rate") + " must be above 0 and at most 100 posts per second; it is "
                    + slack.rate());
        } else if (s.intake().sqs()) {
            // what an SQS receive holds waits its turn at the pacing, unextended: it must all be posted
            // well within the visibility timeout, or it is received again meanwhile
            double held = (double) s.sqs().consumers() * s.sqs().batchSize() / slack.rate();
            if (held > s.sqs().visibilityTimeout() / 2.0) {
                out.add(String.format(Locale.ROOT, "%s x %s / %s is %.0f s of posts held at once; it must be at most"
                        + " half of %s (%d s): lower the batch size or the consumers, or raise the visibility timeout",
                        name("sgwarden.sqs.consumers"), name("sgwarden.sqs.batch-size"), name("sgwarden.slack.rate"),
                        held, name("sgwarden.sqs.visibility-timeout"), s.sqs().visibilityTimeout()));
            }
        }
        range(out, "sgwarden.slack.burst", slack.burst(), 1, 100);
    }

    /** Approvals for a time, reminders and the heartbeat's silence. */
    private static void approvals(List<String> out, Settings s) {
        if (s.approval().durations().isEmpty()) {
            out.add(name("sgwarden.approval.durations") + " must offer at least one duration or 'permanent'");
        }
        for (String d : s.approval().durations()) {
            try {
                ApprovalDuration.parse(d);
            } catch (IllegalArgumentException e) {
                out.add(name("sgwarden.approval.durations") + ": " + e.getMessage());
            }
        }
        positive(out, "sgwarden.approval.check-period", s.approval().checkPeriod());
        positive(out, "sgwarden.approval.extend-notice", s.approval().extendNotice());
        positive(out, "sgwarden.reminder.after", s.reminder().after());
        positive(out, "sgwarden.heartbeat.check-period", s.heartbeat().checkPeriod());
        // member accounts send one every 5 minutes: a shorter silence would be posted between two heartbeats
        if (s.heartbeat().silence().compareTo(s.heartbeat().checkPeriod()) < 0) {
            out.add(name("sgwarden.heartbeat.silence") + " must be at least sgwarden.heartbeat.check-period ("
                    + s.heartbeat().checkPeriod() + "); it is " + s.heartbeat().silence());
        }
        positive(out, "sgwarden.heartbeat.silence", s.heartbeat().silence());
        s.reminder().userGroup().filter(g -> !g.isBlank() && !g.trim().matches("S[A-Z0-9]{2,30}"))
                .ifPresent(g -> out.add(
                        name("sgwarden.reminder.user-group")
                                + " must be a Slack user group ID (S followed by letters and digits,"
                                + " as in <!subteam^S0123ABCD>); it is '" + g + "'"));
    }

    /** Grouping a burst of changes into one message. */
    private static void grouping(List<String> out, Settings s) {
        if (s.group().window().isNegative() || s.group().window().compareTo(java.time.Duration.ofMinutes(10)) > 0) {
            out.add(name("sgwarden.group.window") + " must be between 0 (each change alone) and 10m; it is "
                    + s.group().window());
        } else if (s.group().on() && (s.group().quiet().compareTo(java.time.Duration.ofSeconds(1)) < 0
                || s.group().quiet().compareTo(s.group().window()) > 0)) {
            out.add(name("sgwarden.group.quiet") + " must be between 1s and sgwarden.group.window ("
                    + s.group().window() + "); it is " + s.group().quiet());
        }
        range(out, "sgwarden.group.max-size", s.group().maxSize(), 2, 500);
    }

    /** The spoke role and the revert's retries. */
    private static void revert(List<String> out, Settings s) {
        Settings.Revert revert = s.revert();
        if (!IAM_PATH.matcher(revert.rolePath()).matches()) {
            out.add(name("sgwarden.revert.role-path") + " must be an IAM path: '/' or '/' + printable characters"
                    + " + '/' (e.g. /security/); it is '" + revert.rolePath() + "'");
        }
        if (!IAM_ROLE_NAME.matcher(revert.roleName()).matches()) {
            out.add(name("sgwarden.revert.role-name") + " must be an IAM role name (1-64 of letters, digits and"
                    + " +=,.@_-); it is '" + revert.roleName() + "'");
        }
        range(out, "sgwarden.revert.retries", revert.retries(), 0, 20);
        range(out, "sgwarden.revert.delay", revert.delay(), 0, 600_000);
        positive(out, "sgwarden.revert.stuck-after", revert.stuckAfter());
        positive(out, "sgwarden.revert.expectation-ttl", revert.expectationTtl());
    }

    /**
     * sgwarden's own load balancer group: both halves or neither, since the exemption is keyed on the
     * account and the group together (a group ID alone could be claimed by another account's record).
     */
    private static void ownLoadBalancer(List<String> out, Settings s) {
        Optional<String> account = s.ownLoadBalancer().account().map(String::trim).filter(a -> !a.isEmpty());
        Optional<String> group = s.ownLoadBalancer().securityGroup().map(String::trim).filter(g -> !g.isEmpty());
        if (account.isPresent() != group.isPresent()) {
            out.add(name("sgwarden.own-load-balancer.security-group") + " must be set with "
                    + name("sgwarden.own-load-balancer.account") + ", or neither");
        }
        account.filter(a -> !ACCOUNT_ID.matcher(a).matches()).ifPresent(a -> out.add(
                name("sgwarden.own-load-balancer.account") + " must be an account ID (12 digits); it is '" + a + "'"));
        group.filter(g -> !GROUP_ID.matcher(g).matches()).ifPresent(g -> out.add(
                name("sgwarden.own-load-balancer.security-group")
                        + " must be a security group ID (sg- and 8 or 17 hex digits); it is '" + g + "'"));
    }

    /** Where the policy file comes from. */
    private static void policy(List<String> out, Settings s) {
        // the file itself is read and checked by sgwarden.policy.Policies, with its line numbers
        if (s.policy().file().filter(f -> !f.isBlank()).isPresent()
                && s.policy().inline().filter(y -> !y.isBlank()).isPresent()) {
            out.add(name("sgwarden.policy.file") + " and " + name("sgwarden.policy.inline")
                    + " are both set; set one of them");
        }
    }

    /** Group and account names: their caches, lookups and fixed names. */
    private static void names(List<String> out, Settings s) {
        Settings.Naming names = s.names();
        positive(out, "sgwarden.names.group-ttl", names.groupTtl());
        positive(out, "sgwarden.names.account-ttl", names.accountTtl());
        range(out, "sgwarden.names.cache-size", names.cacheSize(), 1, 100_000);
        if (names.maxWait().isNegative() || names.maxWait().isZero()
                || names.maxWait().compareTo(Duration.ofSeconds(1)) > 0) {
            out.add(name("sgwarden.names.max-wait") + " must be more than 0 and at most 1s, so that no lookup holds a"
                    + " message back longer; it is " + names.maxWait());
        }
        names.orgRoleArn().filter(a -> !a.isBlank()).ifPresent(arn -> {
            if (!ROLE_ARN.matcher(arn.trim()).matches()) {
                out.add(name("sgwarden.names.org-role-arn") + " must be an IAM role ARN"
                        + " (arn:aws:iam::123456789012:role/name); it is '" + arn + "'");
            }
        });
        for (String entry : names.accounts().orElse(List.of())) {
            if (!ACCOUNT_NAME.matcher(entry.trim()).matches()) {
                out.add(name("sgwarden.names.accounts") + " must list account=name entries"
                        + " (111111111111=prod-payments), comma separated; '" + entry + "' is not one");
            }
        }
    }

    /** "sgwarden.lake.page-size (SGWARDEN_LAKE_PAGE_SIZE)". */
    public static String name(String property) {
        return property + " (" + property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + ")";
    }

    private static String lower(Intake intake) {
        return intake.name().toLowerCase(Locale.ROOT);
    }

    private static void range(List<String> out, String property, long value, long min, long max) {
        if (value < min || value > max) {
            out.add(name(property) + " must be between " + min + " and " + max + "; it is " + value);
        }
    }

    private static void positive(List<String> out, String property, Duration value) {
        if (value.isNegative() || value.isZero()) {
            out.add(name(property) + " must be a positive duration (e.g. 30s, 10m, PT1H); it is " + value);
        }
    }

    private static void notNegative(List<String> out, String property, Duration value) {
        if (value.isNegative()) {
            out.add(name(property) + " must not be negative; it is " + value);
        }
    }

    private static void region(List<String> out, String property, String value) {
        if (!REGION.matcher(value.trim()).matches()) {
            out.add(name(property) + " must be an AWS region such as eu-west-1; it is '" + value + "'");
        }
    }

    private static void url(List<String> out, String property, Optional<String> value) {
        value.filter(v -> !v.isBlank()).ifPresent(v -> {
            try {
                URI uri = URI.create(v.trim());
                if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                    out.add(name(property) + " must be an http(s) URL; it is not");
                }
            } catch (IllegalArgumentException e) {
                // the value may be a secret: say that it is wrong, never what it is
                out.add(name(property) + " must be an http(s) URL; it is not");
            }
        });
    }

    /** Stops the start; each line names one setting. */
    public static class InvalidSettingsException extends RuntimeException {
        public InvalidSettingsException(List<String> problems) {
            super("invalid settings: " + String.join("; ", problems));
        }
    }
}
