package sgwarden.testing;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import sgwarden.config.Settings;

/** The settings the service would read from an environment over application.properties, without starting it. */
public final class SettingsFrom {

    private SettingsFrom() {
    }

    /** Throws SmallRye's ConfigValidationException where a converter refuses a value. */
    public static Settings environment(Map<String, String> env) throws IOException {
        try (InputStream defaults = SettingsFrom.class.getResourceAsStream("/application.properties")) {
            Properties properties = new Properties();
            properties.load(defaults);
            Map<String, String> map = new HashMap<>();
            properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
            SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withMapping(Settings.class)
                    // as Quarkus reads durations: 30s, 10m, PT1H
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withSources(new PropertiesConfigSource(map, "application.properties", 250))
                    .withSources(new EnvConfigSource(env, 300)).build();
            return config.getConfigMapping(Settings.class);
        }
    }
}
