package sgwarden.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The sandbox page draws every emoji code sgwarden's messages use, as Slack does: a code missing from
 * its table shows as text (":bell:") to everyone who first meets sgwarden there.
 */
class EmojiDrawnTest {

    /** A code in a message literal: after a quote or a space, followed by a space. */
    static final Pattern USED = Pattern.compile("(?<=[\"\\s]):([a-z_]+):(?=\\s)");
    /** An entry of the page's EMOJI table: name: '…'. */
    static final Pattern DRAWN = Pattern.compile("\\b([a-z_]+):\\s*'[^']+'");

    @Test
    void everyEmojiTheMessagesUseIsInTheSandboxPagesTable() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java/sgwarden/slack"))) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = USED.matcher(Files.readString(p));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertTrue(used.contains("bell") && used.contains("white_check_mark"), "the scan finds the codes: " + used);

        String page = Files.readString(Path.of("sandbox/static/app.js"));
        String table = page.substring(page.indexOf("const EMOJI = {"),
                page.indexOf("};", page.indexOf("const EMOJI = {")));
        Set<String> drawn = new TreeSet<>();
        Matcher m = DRAWN.matcher(table);
        while (m.find()) {
            drawn.add(m.group(1));
        }
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(drawn);
        assertEquals(Set.of(), missing, "codes the messages use that sandbox/static/app.js would show as text");
    }
}
