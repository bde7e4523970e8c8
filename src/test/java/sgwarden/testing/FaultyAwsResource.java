package sgwarden.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * moto behind a {@link FaultyAws}: the service reaches AWS through the fault injector, which is
 * handed to the test's {@link InjectFaultyAws} fields (moto itself to its {@link InjectMoto} fields).
 */
public class FaultyAwsResource extends MotoResource {

    private FaultyAws faulty;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        faulty = new FaultyAws(moto.endpoint());
        config.put("sgwarden.aws.endpoint-override", faulty.endpoint());
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        super.inject(injector);
        injector.injectIntoFields(faulty,
                new TestInjector.AnnotatedAndMatchesType(InjectFaultyAws.class, FaultyAws.class));
    }

    @Override
    public void stop() {
        if (faulty != null) {
            faulty.stop();
        }
        super.stop();
    }
}
