package sgwarden.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * ModifyManagedPrefixList and RestoreManagedPrefixListVersion records in each shape sgwarden must read:
 * the list and the version the caller saw under a "…Request" wrapper with capitalized keys, or as plain
 * lower-case keys, CurrentVersion optional, the response naming the list and a version.
 */
public class PrefixListRecordsTest {

    public static final String LIST = "pl-0a1b2c3d4e5f60718";
    private final CloudTrailParser parser = new CloudTrailParser(new ObjectMapper());

    public static String record(String eventName, String request, String response) {
        return """
                {"eventVersion": "1.09", "eventID": "6b0f0a1c-0d1e-4f2a-9b3c-4d5e6f708192",
                 "eventTime": "2026-05-04T10:00:00Z", "eventSource": "ec2.amazonaws.com",
                 "eventName": "%s", "awsRegion": "eu-west-1", "recipientAccountId": "111111111111",
                 "requestID": "r-1", "sourceIPAddress": "203.0.113.10", "userAgent": "aws-cli/2.15.0",
                 "userIdentity": {"type": "AssumedRole", "accountId": "111111111111",
                   "arn": "arn:aws:sts::111111111111:assumed-role/Admin/alice"},
                 "requestParameters": %s, "responseElements": %s}
                """.formatted(eventName, request, response);
    }

    PrefixListChange list(String record) {
        SecurityGroupChange change = parser.parse(record, "lake");
        assertNotNull(change);
        assertTrue(change.changesPrefixList());
        assertEquals("111111111111", change.accountId());
        assertEquals("alice", change.actor().name());
        return change.prefixList();
    }

    @Test
    void aWrapperWithCapitalizedKeysNamesTheListAndTheVersionSeen() {
        PrefixListChange list = list(record("ModifyManagedPrefixList",
                "{\"ModifyManagedPrefixListRequest\": {\"PrefixListId\": \"" + LIST + "\", \"CurrentVersion\": 3,"
                        + " \"AddEntry\": {\"Cidr\": \"10.99.0.0/16\"}}}",
                "{\"ModifyManagedPrefixListResponse\": {\"prefixList\": {\"prefixListId\": \"" + LIST + "\","
                        + " \"version\": 3, \"state\": \"modify-in-progress\"}}}"));
        assertEquals(PrefixListChange.named(LIST, 3, 4), list);
    }

    @Test
    void plainLowerCaseKeysToo() {
        PrefixListChange list = list(record("ModifyManagedPrefixList",
                "{\"prefixListId\": \"" + LIST + "\", \"currentVersion\": \"3\"}", "null"));
        assertEquals(PrefixListChange.named(LIST, 3, 4), list);
    }

    @Test
    void withoutCurrentVersionTheResponseTellsTheVersion() {
        String inProgress = "{\"prefixList\": {\"prefixListId\": \"" + LIST + "\", \"version\": 3,"
                + " \"state\": \"modify-in-progress\"}}";
        assertEquals(PrefixListChange.named(LIST, 3, 4), list(record("ModifyManagedPrefixList",
                "{\"prefixListId\": \"" + LIST + "\"}", inProgress)));
        String complete = inProgress.replace("\"version\": 3", "\"version\": 4").replace("in-progress", "complete");
        assertEquals(PrefixListChange.named(LIST, 3, 4), list(record("ModifyManagedPrefixList",
                "{\"prefixListId\": \"" + LIST + "\"}", complete)));
        // neither: the list is read as it is now (PrefixListUses), the list named by the response alone
        assertEquals(PrefixListChange.named(LIST, null, null), list(record("ModifyManagedPrefixList", "{}",
                "{\"prefixList\": {\"prefixListId\": \"" + LIST + "\"}}")));
    }

    @Test
    void aRestoredVersionIsANewVersionAfterTheOneTheCallerSaw() {
        // PreviousVersion is the version put back, not the one to compare with
        PrefixListChange list = list(record("RestoreManagedPrefixListVersion",
                "{\"RestoreManagedPrefixListVersionRequest\": {\"PrefixListId\": \"" + LIST + "\","
                        + " \"PreviousVersion\": 1, \"CurrentVersion\": 5}}",
                "{\"RestoreManagedPrefixListVersionResponse\": {\"prefixList\": {\"prefixListId\": \"" + LIST
                        + "\", \"version\": 5, \"state\": \"restore-in-progress\"}}}"));
        assertEquals(PrefixListChange.named(LIST, 5, 6), list);
    }

    @Test
    void aListThatCannotBeToldFailsClosedAFailedCallIsSkipped() {
        for (String request : List.of("{}", "{\"prefixListId\": \"pl-<!channel>\"}",
                "{\"prefixListId\": \"" + LIST + "\", \"currentVersion\": \"three\"}",
                "{\"prefixListId\": \"" + LIST + "\", \"currentVersion\": 0}")) {
            PrefixListChange list = list(record("ModifyManagedPrefixList", request, "null"));
            assertNotNull(list.unreadable(), request);
            assertTrue(list.unreadable().startsWith("could not read"), list.unreadable());
        }
        PrefixListChange twoLists = list(record("ModifyManagedPrefixList", "{\"prefixListId\": \"" + LIST + "\"}",
                "{\"prefixList\": {\"prefixListId\": \"pl-0fff\"}}"));
        assertEquals("the request of ModifyManagedPrefixList names " + LIST + " and its response pl-0fff",
                twoLists.unreadable());
        String failed = record("ModifyManagedPrefixList", "{\"prefixListId\": \"" + LIST + "\"}", "null")
                .replace("\"requestID\"", "\"errorCode\": \"PrefixListVersionMismatch\", \"requestID\"");
        assertNull(parser.parse(failed, "lake"));
    }

    @Test
    void aStoredShareIsReadBackWithWhatWasReadButNeverFromALiveIntake() {
        SecurityGroupChange found = parser.parse(record("ModifyManagedPrefixList",
                "{\"prefixListId\": \"" + LIST + "\", \"currentVersion\": 1}", "null"), "lake");
        PrefixListChange.Use use = new PrefixListChange.Use("sg-0aaa1111bbbb2222c", "222222222222",
                Direction.INGRESS, List.of());
        SecurityGroupChange read = found.withPrefixList(found.prefixList().read("corp", 1, 2,
                List.of(new PrefixListChange.Entry("0.0.0.0/0", null)),
                List.of(new PrefixListChange.Entry("10.0.0.0/8", "office")), List.of(use)));
        Rule ssh = new Rule("sgr-1", "tcp", 22, 22, new Peer(Peer.Kind.IPV4_CIDR, "0.0.0.0/0", null), null);
        SecurityGroupChange share = SecurityGroupChange.prefixListUsed(read, found.eventId() + "#sg-0aaa1111bbbb2222c",
                use, List.of(ssh), found.record());
        String stored = parser.storedPrefixList(share);

        SecurityGroupChange back = parser.parse(stored, null);
        assertEquals(share.eventId(), back.eventId());
        assertEquals("sg-0aaa1111bbbb2222c", back.groupId());
        assertEquals(List.of(ssh), back.rules());
        assertEquals(share.prefixList(), back.prefixList());
        assertEquals("222222222222", back.prefixList().groupAccount());
        assertEquals("corp (" + LIST + ")", back.prefixList().describe());
        // a caller cannot write what sgwarden read into a live record
        SecurityGroupChange live = parser.parse(stored, "lake");
        assertEquals(found.eventId(), live.eventId());
        assertTrue(live.rules().isEmpty());
        assertNull(live.prefixList().listName());
    }

    @Test
    void sgwardensOwnWriteIsKnownByTheListAndTheVersionItSawInEitherShape() {
        OwnWrite expected = OwnWrite.prefixList("111111111111", "eu-west-1", LIST, "sgwarden-U0BOB-bob", 2);
        for (String request : List.of(
                "{\"ModifyManagedPrefixListRequest\": {\"PrefixListId\": \"" + LIST + "\", \"CurrentVersion\": 2}}",
                "{\"prefixListId\": \"" + LIST + "\", \"currentVersion\": 2}")) {
            SecurityGroupChange own = parser.parse(record("ModifyManagedPrefixList", request, "null"), "lake");
            assertEquals(expected.key(), OwnWrite.shownBy(own, "sgwarden-U0BOB-bob").key(), request);
        }
        // another version, list or session is not sgwarden's write
        SecurityGroupChange later = parser.parse(record("ModifyManagedPrefixList",
                "{\"prefixListId\": \"" + LIST + "\", \"currentVersion\": 3}", "null"), "lake");
        assertTrue(!expected.key().equals(OwnWrite.shownBy(later, "sgwarden-U0BOB-bob").key()));
        SecurityGroupChange restore = parser.parse(record("RestoreManagedPrefixListVersion",
                "{\"prefixListId\": \"" + LIST + "\", \"currentVersion\": 2, \"previousVersion\": 1}", "null"),
                "lake");
        assertTrue(!expected.key().equals(OwnWrite.shownBy(restore, "sgwarden-U0BOB-bob").key()),
                "sgwarden never restores a version: a RestoreManagedPrefixListVersion is not its own");
    }
}
