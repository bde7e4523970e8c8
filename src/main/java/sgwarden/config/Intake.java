package sgwarden.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where changes come from. */
public enum Intake {
    LAKE,
    SQS,
    BOTH;

    public boolean lake() {
        return this != SQS;
    }

    public boolean sqs() {
        return this != LAKE;
    }

    /** Case and surrounding blanks do not matter; anything else is refused with the allowed values. */
    public static class Converter implements org.eclipse.microprofile.config.spi.Converter<Intake> {
        @Override
        public Intake convert(String value) {
            String wanted = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
            return Arrays.stream(values()).filter(i -> i.name().equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(SettingsCheck.name("sgwarden.intake")
                            + " must be one of " + Arrays.stream(values()).map(i -> i.name().toLowerCase(Locale.ROOT))
                                    .collect(Collectors.joining(", "))
                            + "; it is '" + value + "'"));
        }
    }
}
