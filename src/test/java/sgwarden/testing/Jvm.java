package sgwarden.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command that starts a JVM for a packaged service a test runs, with the test JVMs' options (pom.xml). */
public final class Jvm {

    private Jvm() {
    }

    /** java, then the options the build gives test JVMs (-Dtest.jvm), then these arguments. */
    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Arrays.stream(System.getProperty("test.jvm", "").trim().split("\\s+")).filter(s -> !s.isEmpty())
                .forEach(command::add);
        command.addAll(List.of(args));
        return command;
    }
}
