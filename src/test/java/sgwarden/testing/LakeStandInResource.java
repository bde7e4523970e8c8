package sgwarden.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a CloudTrail Lake stand-in, points the Lake intake at it (with a Lake read role assumed
 * through moto), and hands it to the test's {@link InjectLake} fields.
 */
public class LakeStandInResource implements QuarkusTestResourceLifecycleManager {

    public static final String LAKE_ROLE = "arn:aws:iam::444444444444:role/sgwarden-lake-reader";
    private LakeStandIn lake;

    @Override
    public Map<String, String> start() {
        lake = new LakeStandIn();
        return Map.of("sgwarden.lake.endpoint-override", lake.endpoint(),
                "sgwarden.lake.event-data-store", "arn:aws:cloudtrail:us-east-1:444444444444:eventdatastore/"
                        + lake.eventDataStore(),
                "sgwarden.lake.role-arn", LAKE_ROLE);
    }

    /** The stand-in this resource started, for callers outside a Quarkus test (the packaged-jar IT). */
    public LakeStandIn standIn() {
        return lake;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(lake, new TestInjector.AnnotatedAndMatchesType(InjectLake.class, LakeStandIn.class));
    }

    @Override
    public void stop() {
        if (lake != null) {
            lake.stop();
        }
    }
}
