package sgwarden.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Test profiles: which intake runs, with timers and retries made short. */
public final class Profiles {

    private Profiles() {
    }

    static Map<String, String> fast() {
        return Map.ofEntries(
                Map.entry("sgwarden.lake.period", "300ms"),
                Map.entry("sgwarden.lake.initial-delay", "100ms"),
                Map.entry("sgwarden.lake.poll-interval", "20ms"),
                Map.entry("sgwarden.lake.max-wait", "5s"),
                Map.entry("sgwarden.slack.post.retries", "2"),
                Map.entry("sgwarden.slack.post.delay", "50"),
                Map.entry("sgwarden.revert.delay", "50"),
                Map.entry("sgwarden.sqs.wait-time", "1"),
                Map.entry("sgwarden.slack.allowed-users", "U0ALICE,U0BOB"));
    }

    static java.util.List<QuarkusTestProfile.TestResourceEntry> peers() {
        return java.util.List.of(new QuarkusTestProfile.TestResourceEntry(MotoResource.class),
                new QuarkusTestProfile.TestResourceEntry(SlackStandInResource.class),
                new QuarkusTestProfile.TestResourceEntry(LakeStandInResource.class));
    }

    /** The SQS intake only. */
    public static class Sqs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(fast());
            m.put("sgwarden.intake", "sqs");
            return m;
        }

        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return peers();
        }
    }

    /** Both intakes at once. */
    public static class Both implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(fast());
            m.put("sgwarden.intake", "both");
            return m;
        }

        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return peers();
        }
    }

    /** Lake polling, posting with a bot token through chat.postMessage instead of a webhook. */
    public static class LakeBotToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(fast());
            m.put("sgwarden.intake", "lake");
            m.put("sgwarden.slack.bot-token", "xoxb-sgwarden-test-token");
            m.put("sgwarden.slack.channel", "C0SECURITY");
            return m;
        }

        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return peers();
        }
    }

    /** Lake polling, AWS reached through the fault injector, logs written to a file for inspection. */
    public static class Faulty implements QuarkusTestProfile {
        public static final String LOG = "target/logs/faulty-run.log";

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(fast());
            m.put("sgwarden.intake", "lake");
            m.put("quarkus.log.file.enabled", "true");
            m.put("quarkus.log.file.path", LOG);
            return m;
        }

        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(FaultyAwsResource.class),
                    new TestResourceEntry(SlackStandInResource.class),
                    new TestResourceEntry(LakeStandInResource.class));
        }
    }

    /** Lake polling only. */
    public static class Lake implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new java.util.HashMap<>(fast());
            m.put("sgwarden.intake", "lake");
            return m;
        }

        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return peers();
        }
    }
}
