package docs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Every operator setting has a comment in application.properties and a row in docs/configuration.md's table. */
class ConfigurationDocumentedTest {

    @Test
    void everySettingIsCommentedAndInTheConfigurationTable() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/main/resources/application.properties"));
        String table = Files.readString(Path.of("docs/configuration.md"));
        int settings = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("sgwarden.")) {
                continue;
            }
            settings++;
            String key = line.substring(0, line.indexOf('='));
            assertTrue(i > 0 && lines.get(i - 1).startsWith("# "), key + " has no comment line above it");
            assertTrue(table.contains("| `" + key + "` |"), key + " is missing from docs/configuration.md's table");
        }
        assertTrue(settings > 30, "found only " + settings + " settings");
    }
}
