package sgwarden.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** A message's plain text, as notifications and previews show it. */
class MrkdwnPlainTest {

    @Test
    void emojiAndDatesReadAsPeopleReadThem() {
        Instant at = Instant.parse("2026-12-03T08:21:51Z");
        String text = ":alarm_clock: Approved by " + Mrkdwn.escape("@alice_smith")
                + " for 8 h; expired and reverted at "
                + SlackMessages.at(at);
        String plain = Mrkdwn.plain(text, 3000);
        assertFalse(plain.contains("\u200B"), "no zero-width space: " + plain);
        assertFalse(plain.contains("&lt;") || plain.contains("!date"), "the date as its fallback: " + plain);
        assertTrue(plain.startsWith(":alarm_clock: Approved by @alice_smith for 8 h; expired and reverted at "), plain);
        assertTrue(plain.endsWith(SlackMessages.TIME.format(at)), plain);
    }

    @Test
    void eventTextStillCannotMentionOrLink() {
        String plain = Mrkdwn.plain("bob added a rule described <!channel> and <http://evil|click> & more", 3000);
        assertEquals("bob added a rule described &lt;!channel&gt; and &lt;http://evil|click&gt; &amp; more", plain);
        // a user group named in a description is text; only a reminder's own leading mention notifies
        assertEquals("x &lt;!subteam^S0EVIL&gt;", Mrkdwn.plain("x <!subteam^S0EVIL>", 3000));
        assertEquals("<!subteam^S0SEC> :bell: Still undecided",
                Mrkdwn.plain("<!subteam^S0SEC> :bell: Still undecided", 3000));
    }

    @Test
    void longTextIsCut() {
        String plain = Mrkdwn.plain("a".repeat(4000), 3000);
        assertEquals(3000, plain.length());
        assertTrue(plain.endsWith("…"));
    }
}
