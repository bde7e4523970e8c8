package sgwarden.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import sgwarden.change.CloudTrailParser;
import sgwarden.change.Direction;
import sgwarden.change.Peer;
import sgwarden.change.PrefixListChange;
import sgwarden.change.PrefixListRecordsTest;
import sgwarden.change.Rule;
import sgwarden.change.SecurityGroupChange;

/**
 * Explain with a prefix list change: the record as CloudTrail writes it says how sgwarden reads it
 * (the entries are not in it); the record as sgwarden stored one group's share gives the verdict.
 */
class PrefixListExplainTest {

    static final String LIST = PrefixListRecordsTest.LIST;

    @Test
    void aRawRecordSaysHowItIsReadAStoredShareGetsItsVerdict(@TempDir Path dir) throws Exception {
        String raw = PrefixListRecordsTest.record("ModifyManagedPrefixList",
                "{\"prefixListId\": \"" + LIST + "\", \"currentVersion\": 1}", "null");
        Path rawFile = dir.resolve("raw.json");
        Files.writeString(rawFile, raw);
        ExplainTest.Result r = ExplainTest.explain(ExplainTest.BASELINE, rawFile.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("ModifyManagedPrefixList on prefix list " + LIST + ": sgwarden reads the list's"
                + " entries at the new version and the one before"), r.out());

        CloudTrailParser parser = new CloudTrailParser(new ObjectMapper());
        SecurityGroupChange found = parser.parse(raw, "lake");
        PrefixListChange.Use use = new PrefixListChange.Use("sg-0aaa1111bbbb2222c", "111111111111",
                Direction.INGRESS, List.of());
        SecurityGroupChange read = found.withPrefixList(found.prefixList().read("corp-ips", 1, 2,
                List.of(new PrefixListChange.Entry("0.0.0.0/0", null)), List.of(), List.of(use)));
        Rule ssh = new Rule("sgr-1", "tcp", 22, 22, new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null), null);
        Path stored = dir.resolve("stored.json");
        Files.writeString(stored, parser.storedPrefixList(SecurityGroupChange.prefixListUsed(read,
                found.eventId() + "#sg-0aaa1111bbbb2222c", use, List.of(ssh), raw)));
        ExplainTest.Result s = ExplainTest.explain(ExplainTest.BASELINE, stored.toString());
        assertEquals(0, s.status(), s.err());
        assertTrue(s.out().contains("prefix list corp-ips (" + LIST + ") version 1 -> 2: added [0.0.0.0/0]"), s.out());
        assertTrue(s.out().endsWith("action: quarantine (policy admin-and-database-ports-open-to-world)\n"), s.out());
    }
}
