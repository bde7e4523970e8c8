package sgwarden.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the Lake intake at the stand-in, polling fast, with a Lake read role assumed through moto. */
public class LakeStandInResource implements QuarkusTestResourceLifecycleManager {

    public static final String LAKE_ROLE = "arn:aws:iam::444444444444:role/sgwarden-lake-reader";
    private static LakeStandIn lake;

    public static synchronized LakeStandIn lake() {
        if (lake == null) {
            lake = new LakeStandIn();
        }
        return lake;
    }

    @Override
    public Map<String, String> start() {
        LakeStandIn l = lake();
        l.reset();
        return Map.of("sgwarden.lake.endpoint-override", l.endpoint(),
                "sgwarden.lake.event-data-store", "arn:aws:cloudtrail:us-east-1:444444444444:eventdatastore/"
                        + l.eventDataStore(),
                "sgwarden.lake.role-arn", LAKE_ROLE);
    }

    @Override
    public void stop() {
        // kept for the whole JVM; reset when the next test class starts
    }
}
