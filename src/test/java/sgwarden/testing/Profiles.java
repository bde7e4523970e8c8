package sgwarden.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Test profiles: which intake runs, against which peers, with timers and retries made short. */
public final class Profiles {

    public static final String SPOKE_ROLE_PATH = "/security/";
    public static final String SPOKE_EXTERNAL_ID = "sgwarden-test-external-id-5f2c";

    /** Test JVMs run side by side (surefire's forkCount): each writes its own log files. */
    static final String FORK = "-" + System.getProperty("test.fork", "1");

    private Profiles() {
    }

    /** The intake, and the settings every test run shares: short periods, short backoff, an allow list. */
    abstract static class Fast implements QuarkusTestProfile {

        abstract String intake();

        /** What this profile sets beyond the shared settings. */
        Map<String, String> extra() {
            return Map.of();
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(Map.ofEntries(
                    Map.entry("sgwarden.intake", intake()),
                    Map.entry("sgwarden.lake.period", "300ms"),
                    Map.entry("sgwarden.lake.initial-delay", "100ms"),
                    Map.entry("sgwarden.lake.poll-interval", "20ms"),
                    Map.entry("sgwarden.lake.max-wait", "5s"),
                    Map.entry("sgwarden.slack.post.retries", "2"),
                    Map.entry("sgwarden.slack.post.delay", "50"),
                    Map.entry("sgwarden.revert.delay", "50"),
                    Map.entry("sgwarden.sqs.wait-time", "1"),
                    // the stand-in does not rate-limit unless a test asks it to; pacing would only slow the tests
                    Map.entry("sgwarden.slack.rate", "100"),
                    Map.entry("sgwarden.slack.burst", "100"),
                    Map.entry("sgwarden.slack.allowed-users", "U0ALICE,U0BOB"),
                    Map.entry("sgwarden.slack.allowed-team", Clicks.TEAM),
                    // not the defaults, so that a test sees the service use what it was given
                    Map.entry("sgwarden.revert.role-path", SPOKE_ROLE_PATH),
                    Map.entry("sgwarden.revert.external-id", SPOKE_EXTERNAL_ID),
                    // seconds, so an approval expires within a test
                    Map.entry("sgwarden.approval.durations", "3s,8s,1h,permanent"),
                    // each check is five due-index Queries; tests move the clock, then wait for the next one
                    Map.entry("sgwarden.approval.check-period", "1s"),
                    // the Extend notice 2 s before expiry: a 3 s approval gets it 1 s after the click
                    Map.entry("sgwarden.approval.extend-notice", "2s"),
                    // each change alone, as before grouping; the grouping tests open a window of their own
                    Map.entry("sgwarden.group.window", "0s"),
                    // the heartbeat tests run the silence check themselves, with a moved clock
                    Map.entry("sgwarden.heartbeat.check-period", "10m")));
            m.putAll(extra());
            return m;
        }

        /** moto, the Slack stand-in and the Lake stand-in, each handing the service its endpoint. */
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MotoResource.class),
                    new TestResourceEntry(SlackStandInResource.class),
                    new TestResourceEntry(LakeStandInResource.class));
        }
    }

    /**
     * The SQS intake with bursts grouped (tests close a group by moving the clock past the quiet gap); ssh open to the world is quarantined, and
     * 8443 may be approved for at most 30 minutes, never permanently.
     */
    public static class SqsGrouped extends Sqs {
        @Override
        Map<String, String> extra() {
            // grouping at its defaults (quiet 15s, window 2m): tests close a group by moving the clock
            return Map.of("sgwarden.group.window", "2m", "sgwarden.group.quiet", "15s", "sgwarden.group.max-size",
                    "100",
                    // a group's Extend notice comes 6 s before an 8 s approval ends: time to click Extend all
                    "sgwarden.approval.extend-notice", "6s",
                    "sgwarden.policy.inline", """
                            policies:
                              - name: ssh-open-to-world
                                match: {ports: [22], peers: [world]}
                                action: quarantine
                              - name: https-briefly
                                match: {ports: [8443]}
                                action: ask
                                maxApproval: 30m
                                allowPermanent: false
                            """);
        }

        /** AWS behind the fault injector, so that a test can make one revert of a group fail. */
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FaultyAwsResource.class),
                    new TestResourceEntry(SlackStandInResource.class),
                    new TestResourceEntry(LakeStandInResource.class));
        }
    }

    /**
     * Grouped bursts posted with a bot token: a group message is updated with chat.update; a change
     * left undecided 4 s is reminded of, mentioning a user group; an Extend notice comes 6 s before the end;
     * changes to ports 9500 and 9501 left undecided 1 min are denied by their policy.
     */
    public static class SqsGroupedBotToken extends Sqs {
        public static final String UNDECIDED_POLICY = "grouped-undecided-9500";

        @Override
        Map<String, String> extra() {
            return Map.of("sgwarden.group.window", "2m", "sgwarden.group.quiet", "15s",
                    "sgwarden.slack.bot-token", SlackStandIn.BOT_TOKEN,
                    "sgwarden.slack.channel", SlackStandIn.CHANNEL,
                    "sgwarden.reminder.after", "4s", "sgwarden.reminder.user-group", LakeCapped.USER_GROUP,
                    // as SqsGrouped: an 8 s approval's notice comes 6 s before its end, well before the expiry
                    "sgwarden.approval.extend-notice", "6s",
                    "sgwarden.policy.inline", """
                            policies:
                              - name: %s
                                match: {ports: [9500, 9501]}
                                action: ask
                                undecided: {after: 1m, then: deny}
                            """.formatted(UNDECIDED_POLICY));
        }
    }

    /** Lake polling only. */
    public static class Lake extends Fast {
        @Override
        String intake() {
            return "lake";
        }
    }

    /** The SQS intake only: the base of the grouped profiles. */
    public static class Sqs extends Fast {
        @Override
        String intake() {
            return "sqs";
        }
    }

    /**
     * Both intakes at once. The SQS intake's tests run here too: the Lake stand-in answers empty unless a test
     * seeds it, so they see the SQS intake alone, and share one Quarkus start with the test of both.
     */
    public static class Both extends Fast {
        @Override
        String intake() {
            return "both";
        }
    }

    /**
     * Lake polling, with a policy that caps approvals of ssh open to the world at 30 minutes, never
     * permanently, and a reminder for changes left undecided 2 seconds, mentioning a user group; changes
     * to port 2201 left undecided 3 seconds are denied by their policy, to port 2202 approved.
     */
    public static class LakeCapped extends Lake {
        public static final String USER_GROUP = "S0SECURITY";

        @Override
        Map<String, String> extra() {
            return Map.of("sgwarden.reminder.after", "2s", "sgwarden.reminder.user-group", USER_GROUP,
                    "sgwarden.policy.inline", """
                            policies:
                              - name: world-ssh-briefly
                                match: {peers: [world], ports: [22]}
                                action: ask
                                maxApproval: 30m
                                allowPermanent: false
                              - name: undecided-deny
                                match: {ports: [2201]}
                                action: ask
                                undecided: {after: 3s, then: deny}
                              - name: undecided-approve
                                match: {ports: [2202]}
                                action: ask
                                undecided: {after: 3s, then: approve}
                            """);
        }
    }

    /**
     * Lake polling for attachments: inbound 443 from private ranges is approved (a group attached posts nothing), 23 (telnet)
     * reverted at once; anything else, such as ssh from the world, is asked about.
     */
    public static class LakeAttachments extends Lake {
        @Override
        Map<String, String> extra() {
            return Map.of("sgwarden.policy.inline", """
                    policies:
                      - name: internal-https
                        match: {ports: [443], peers: [private]}
                        action: approve
                      - name: no-telnet
                        match: {ports: [23]}
                        action: revert
                    """);
        }

        /** moto with sgwarden's own load balancer group made in {@link Accounts#SECURITY}, as in LakePolicies. */
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MotoResource.class, Map.of(MotoResource.OWN_LOAD_BALANCER, "true")),
                    new TestResourceEntry(SlackStandInResource.class),
                    new TestResourceEntry(LakeStandInResource.class));
        }
    }

    /**
     * Lake polling for tag changes: groups tagged env=prod have every change reverted, groups tagged
     * team=platform every change approved; anything else is asked about. Restore is off.
     */
    public static class LakeTags extends Lake {
        @Override
        Map<String, String> extra() {
            return Map.of("sgwarden.policy.inline", """
                    policies:
                      - name: prod-frozen
                        match: {tags: {env: prod}}
                        action: revert
                      - name: platform-team-trusted
                        match: {tags: {team: platform}}
                        action: approve
                    """,
                    // as with the member stacks' AllowRestore false: no test of this profile restores
                    "sgwarden.restore.enabled", "false");
        }
    }

    /**
     * Lake polling with policies given inline, one per action, told apart by port: 22 open to the
     * world is quarantined, 23 reverted, 8080 approved with a compact message, 8081 approved unposted,
     * 9000 reverted under dry run (so asked about), 7000 approved unposted in a group tagged team=web;
     * anything else is asked about. sgwarden's own load balancer group is one moto made at start.
     */
    public static class LakePolicies extends Lake {
        public static final String POLICIES = """
                policies:
                  - name: web-tier-7000
                    match: {ports: [7000], tags: {team: web}}
                    action: approve
                    post: none
                  - name: ssh-open-to-world
                    match: {ports: [22], peers: [world]}
                    action: quarantine
                  - name: no-telnet
                    match: {ports: [23]}
                    action: revert
                  - name: ci-web
                    match: {ports: [8080]}
                    action: approve
                  - name: ci-quiet
                    match: {ports: [8081]}
                    action: approve
                    post: none
                  - name: try-9000
                    match: {ports: [9000]}
                    action: revert
                    dryRun: true
                  - name: prod-7001
                    match: {ports: [7001], tags: {env: prod}}
                    action: quarantine
                  - name: ci-7001
                    match: {ports: [7001]}
                    action: approve
                """;

        @Override
        Map<String, String> extra() {
            return Map.of("sgwarden.policy.inline", POLICIES);
        }

        /**
         * moto with sgwarden's own load balancer group made in {@link Accounts#SECURITY} and configured as
         * the compute stack passes it: no other test of this profile touches that group.
         */
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(MotoResource.class, Map.of(MotoResource.OWN_LOAD_BALANCER, "true")),
                    new TestResourceEntry(SlackStandInResource.class),
                    new TestResourceEntry(LakeStandInResource.class));
        }
    }

    /**
     * Lake polling, posting with a bot token through chat.postMessage instead of a webhook; logs to a file.
     * Port 6390 is quarantined; a change to port 9443 left undecided 5 h (the reminder comes at the default
     * 4 h) is denied by its policy; anything else is asked about. Extend notices come 30 s before the end.
     */
    public static class LakeBotToken extends Lake {
        public static final String LOG = "target/logs/bot-token-run" + FORK + ".log";
        public static final String QUARANTINE_POLICY = "bot-quarantine-6390";
        public static final String UNDECIDED_POLICY = "bot-undecided-9443";
        public static final String UNDECIDED_APPROVE_POLICY = "bot-undecided-approve-9444";

        @Override
        Map<String, String> extra() {
            return Map.of("sgwarden.slack.bot-token", SlackStandIn.BOT_TOKEN,
                    "sgwarden.slack.channel", SlackStandIn.CHANNEL,
                    "sgwarden.reminder.user-group", LakeCapped.USER_GROUP,
                    "quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG,
                    // every approval of these tests (3 s, 8 s) gets its Extend notice at once
                    "sgwarden.approval.extend-notice", "30s",
                    "sgwarden.policy.inline", """
                            policies:
                              - name: %s
                                match: {ports: [6390]}
                                action: quarantine
                              - name: %s
                                match: {ports: [9443]}
                                action: ask
                                undecided: {after: 5h, then: deny}
                              - name: %s
                                match: {ports: [9444]}
                                action: ask
                                undecided: {after: 5h, then: approve}
                            """.formatted(QUARANTINE_POLICY, UNDECIDED_POLICY, UNDECIDED_APPROVE_POLICY));
        }
    }

    /** Lake polling, AWS reached through the fault injector, logs written to a file for inspection. */
    public static class Faulty extends Lake {
        public static final String LOG = "target/logs/faulty-run" + FORK + ".log";

        @Override
        Map<String, String> extra() {
            // JSON lines, as sgwarden.log.json writes them to the console in production
            return Map.of("quarkus.log.file.enabled", "true", "quarkus.log.file.path", LOG,
                    "quarkus.log.file.json.enabled", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FaultyAwsResource.class),
                    new TestResourceEntry(SlackStandInResource.class),
                    new TestResourceEntry(LakeStandInResource.class));
        }
    }

    /**
     * Names in messages: account names from the organization in moto, AWS behind the fault injector
     * (so STS can refuse), account names kept 5 seconds so that a test can wait them out, and a
     * policy matching on tags (ask, so it announces like no policy).
     */
    public static class Names extends Lake {
        @Override
        Map<String, String> extra() {
            return Map.of("sgwarden.names.org-role-arn", Organization.ORG_ROLE,
                    "sgwarden.names.account-ttl", "5s",
                    "sgwarden.policy.inline", """
                            policies:
                              - name: payments-team-groups
                                match:
                                  tags: {team: payments}
                                action: ask
                            """);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FaultyAwsResource.class),
                    new TestResourceEntry(SlackStandInResource.class),
                    new TestResourceEntry(LakeStandInResource.class));
        }
    }
}
