package sgwarden.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithName;

/**
 * Every operator setting, typed. The property names are the operators' interface (environment
 * variables in the deployment templates), so they stay as documented; {@link SettingsCheck}
 * refuses a bad combination at start.
 */
@ConfigMapping(prefix = "sgwarden")
public interface Settings {

    @WithConverter(Intake.Converter.class)
    Intake intake();

    Aws aws();

    Lake lake();

    Sqs sqs();

    /** The ledger table. */
    String table();

    Duration retention();

    @WithName("claim-timeout")
    Duration claimTimeout();

    Slack slack();

    Revert revert();

    Policy policy();

    Approval approval();

    Reminder reminder();

    Log log();

    Naming names();

    Grouping group();

    Heartbeat heartbeat();

    @WithName("own-load-balancer")
    OwnLoadBalancer ownLoadBalancer();

    Restore restore();

    interface Aws {
        String region();

        @WithName("endpoint-override")
        Optional<String> endpointOverride();
    }

    interface Lake {
        Duration period();

        @WithName("initial-delay")
        Duration initialDelay();

        @WithName("event-data-store")
        Optional<String> eventDataStore();

        String region();

        @WithName("role-arn")
        Optional<String> roleArn();

        @WithName("event-names")
        List<String> eventNames();

        Duration lookback();

        @WithName("poll-interval")
        Duration pollInterval();

        @WithName("max-wait")
        Duration maxWait();

        @WithName("page-size")
        int pageSize();

        @WithName("endpoint-override")
        Optional<String> endpointOverride();

        /** The ID part of a configured ID or ARN. */
        default Optional<String> eventDataStoreId() {
            return eventDataStore().map(String::trim).map(s -> s.substring(s.lastIndexOf('/') + 1));
        }
    }

    interface Sqs {
        @WithName("queue-url")
        Optional<String> queueUrl();

        @WithName("wait-time")
        int waitTime();

        @WithName("batch-size")
        int batchSize();

        int consumers();

        /** Seconds; asked for on every receive and kept up while a message waits or is handled. */
        @WithName("visibility-timeout")
        int visibilityTimeout();

        /** Seconds a graceful stop waits for the message in hand before abandoning the long poll. */
        @WithName("stop-timeout")
        int stopTimeout();
    }

    interface Slack {
        @WithName("webhook-url")
        Optional<String> webhookUrl();

        @WithName("bot-token")
        Optional<String> botToken();

        String channel();

        @WithName("server-url")
        String serverUrl();

        @WithName("signing-secret")
        Optional<String> signingSecret();

        @WithName("interactions-path")
        String interactionsPath();

        @WithName("allowed-users")
        Optional<List<String>> allowedUsers();

        @WithName("allowed-team")
        Optional<String> allowedTeam();

        @WithName("response-url-prefix")
        String responseUrlPrefix();

        Post post();

        @WithName("max-body-bytes")
        int maxBodyBytes();

        /**
         * How long an interaction's body may take to arrive once its head has; then the connection is
         * closed, so that connections trickling a body cannot pile up against real clicks.
         */
        @WithName("body-deadline")
        Duration bodyDeadline();

        /** Posts per second to the channel from this instance. */
        double rate();

        /** Posts that may go out at once before the pace applies. */
        int burst();

        /** The window in which at most burst() posts go out, so that the long-run pace is rate() per second. */
        default long pacingPeriodMillis() {
            return Math.round(burst() * 1000.0 / rate());
        }

        /** With a bot token messages go through chat.postMessage; otherwise through the webhook. */
        default boolean botMode() {
            return botToken().filter(t -> !t.isBlank()).isPresent();
        }

        interface Post {
            int retries();

            /** Milliseconds. */
            long delay();

            double backoff();
        }
    }

    interface Revert {
        @WithName("role-path")
        String rolePath();

        @WithName("role-name")
        String roleName();

        @WithName("external-id")
        Optional<String> externalId();

        int retries();

        /** Milliseconds. */
        long delay();

        @WithName("stuck-after")
        Duration stuckAfter();

        /**
         * How long after one of sgwarden's own EC2 writes its CloudTrail event may be dated and still be
         * recognized as sgwarden's (docs/policies.md, "sgwarden's own changes").
         */
        @WithName("expectation-ttl")
        Duration expectationTtl();
    }

    /** Where the policies come from (docs/policies.md); both set is refused, neither means every change asks. */
    interface Policy {
        /** Path of the policy file. */
        Optional<String> file();

        /** The same YAML as the value itself, for hosts that mount no files. */
        Optional<String> inline();
    }

    /** Approvals for a time, and the timer that reverts them at expiry (docs/configuration.md). */
    interface Approval {
        /** What Approve offers: durations such as 1h, 8h, 7d (s, m, h, d), and "permanent". */
        List<String> durations();

        /** How often the due-index is read for approvals past their expiry. */
        @WithName("check-period")
        Duration checkPeriod();

        /** How long before an approval's expiry the notice with the Extend buttons goes out. */
        @WithName("extend-notice")
        Duration extendNotice();
    }

    /** One reminder for a change nobody decided. */
    interface Reminder {
        /** How long a change may stay PENDING before its reminder. */
        Duration after();

        /** Slack user group (subteam ID, S…) the reminder mentions; none means no mention. */
        @WithName("user-group")
        Optional<String> userGroup();
    }

    /** The names shown next to IDs in messages, and the group lookup the policies' tags share. */
    interface Naming {
        /** How long a group's name, VPC and tags are kept. */
        @WithName("group-ttl")
        Duration groupTtl();

        /** How long the organization's account names are kept. */
        @WithName("account-ttl")
        Duration accountTtl();

        /** At most this many groups are kept. */
        @WithName("cache-size")
        int cacheSize();

        /** How long a message or a policy waits for a lookup; then it goes on without. */
        @WithName("max-wait")
        Duration maxWait();

        /** Role in the management or a delegated-administrator account allowed organizations:ListAccounts. */
        @WithName("org-role-arn")
        Optional<String> orgRoleArn();

        /** "111111111111=prod-payments" entries; they win over the organization's names. */
        Optional<List<String>> accounts();

        /** The accounts setting as ID to name; entries that do not parse are refused by SettingsCheck. */
        default Map<String, String> accountMap() {
            Map<String, String> out = new LinkedHashMap<>();
            accounts().orElse(List.of()).forEach(entry -> {
                int eq = entry.indexOf('=');
                if (eq > 0 && !entry.substring(eq + 1).isBlank()) {
                    out.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
                }
            });
            return out;
        }
    }

    /** Bursts by one principal in one account, announced as one message (docs/configuration.md). */
    interface Grouping {
        /**
         * The most a group stays open, counted from its first change; 0 announces each change alone. A
         * steady trickle of changes is still announced this long after it began.
         */
        Duration window();

        /** A group closes once this long has passed without a new change from its principal in its account. */
        Duration quiet();

        /** A group is announced once it holds this many changes, even inside the window. */
        @WithName("max-size")
        int maxSize();

        default boolean on() {
            return !window().isZero() && !window().isNegative();
        }
    }

    /** The member accounts' heartbeats (docs/configuration.md): how long a silence may last before it is posted. */
    interface Heartbeat {
        /** An account and region not heard from for longer than this is posted as silent, once. */
        Duration silence();

        /** How often the table is read for accounts and regions gone silent. */
        @WithName("check-period")
        Duration checkPeriod();
    }

    interface Log {
        boolean json();
    }

    /**
     * sgwarden's own load balancer security group (ECS Express Mode opens 443 on it for Slack): a change
     * on it is announced but never reverted, since a revert would cut Slack off from sgwarden and with it
     * every later click. Both or neither; keyed on the account too, so that a group of the same ID
     * claimed by another account is judged as any other.
     */
    interface OwnLoadBalancer {
        /** The account that owns the group: sgwarden's own. */
        Optional<String> account();

        /** The group's ID (sg-...). */
        @WithName("security-group")
        Optional<String> securityGroup();
    }

    /** Whether Restore is offered: the member stacks' AllowRestore gives the spoke role what Restore needs. */
    interface Restore {
        boolean enabled();
    }
}
