package sgwarden.testing;

import java.util.HashMap;
import java.util.Map;

/** moto behind {@link FaultyAws}: the service reaches AWS through the fault injector. */
public class FaultyAwsResource extends MotoResource {

    private static FaultyAws faulty;

    public static synchronized FaultyAws faulty() {
        if (faulty == null) {
            faulty = new FaultyAws(Moto.start().endpoint());
        }
        return faulty;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        faulty().reset();
        config.put("sgwarden.aws.endpoint-override", faulty().endpoint());
        return config;
    }
}
