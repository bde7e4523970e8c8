package sgwarden.slack;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import sgwarden.config.SlackSecrets;

/** Slack request signing, against the example Slack publishes. */
class SlackSignatureTest {

    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String TIMESTAMP = "1531420618";
    static final String BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
            + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
            + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    static final String EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private SlackSignature signature;

    static byte[] body() {
        return BODY.getBytes(StandardCharsets.UTF_8);
    }

    static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    @BeforeEach
    void setUp() {
        signature = new SlackSignature();
        signature.signingSecret = SECRET;
        signature.clock = at(1531420618);
    }

    @Test
    void signMatchesSlacksExample() {
        assertEquals(EXPECTED, SlackSignature.sign(SECRET, TIMESTAMP, body()));
    }

    @Test
    void acceptsSlacksExample() {
        assertDoesNotThrow(() -> signature.verify(TIMESTAMP, EXPECTED, body()));
    }

    @Test
    void acceptsWithinTheWindowBothWays() {
        signature.clock = at(1531420618 + 300);
        assertDoesNotThrow(() -> signature.verify(TIMESTAMP, EXPECTED, body()));
        signature.clock = at(1531420618 - 300);
        assertDoesNotThrow(() -> signature.verify(TIMESTAMP, EXPECTED, body()));
    }

    /** The placeholder a first deployment seeds is public: whoever knows it could sign anything with it. */
    @Test
    void rejectsARequestSignedWithThePlaceholder() {
        signature.signingSecret = SlackSecrets.PLACEHOLDER;
        String signed = SlackSignature.sign(SlackSecrets.PLACEHOLDER, TIMESTAMP, body());
        SignatureRejectedException e = assertThrows(SignatureRejectedException.class,
                () -> signature.verify(TIMESTAMP, signed, body()));
        assertEquals("the signing secret is still the deployment's placeholder", e.getMessage());
    }

    @Test
    void rejectsWrongSignature() {
        String wrong = EXPECTED.substring(0, EXPECTED.length() - 1) + "4";
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, wrong, body()));
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, "", body()));
        assertThrows(SignatureRejectedException.class,
                () -> signature.verify(TIMESTAMP, EXPECTED.toUpperCase(), body()));
        assertThrows(SignatureRejectedException.class,
                () -> signature.verify(TIMESTAMP, EXPECTED.substring(3), body()));
    }

    @Test
    void rejectsSignatureMadeWithAnotherSecret() {
        String other = SlackSignature.sign("another-secret", TIMESTAMP, body());
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, other, body()));
    }

    @Test
    void rejectsMissingHeaders() {
        assertThrows(SignatureRejectedException.class, () -> signature.verify(null, EXPECTED, body()));
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, null, body()));
        assertThrows(SignatureRejectedException.class, () -> signature.verify(null, null, body()));
    }

    @Test
    void rejectsTimestampSixMinutesOld() {
        signature.clock = at(1531420618 + 360);
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, EXPECTED, body()));
    }

    @Test
    void rejectsTimestampSixMinutesAhead() {
        signature.clock = at(1531420618 - 360);
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, EXPECTED, body()));
    }

    @Test
    void rejectsAlteredBody() {
        byte[] altered = BODY.replace("user_name=roadrunner", "user_name=coyote").getBytes(StandardCharsets.UTF_8);
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, EXPECTED, altered));
        byte[] longer = (BODY + "&x=1").getBytes(StandardCharsets.UTF_8);
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, EXPECTED, longer));
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, EXPECTED, new byte[0]));
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, EXPECTED, null));
    }

    @Test
    void rejectsNonNumericTimestamp() {
        assertThrows(SignatureRejectedException.class, () -> signature.verify("yesterday", EXPECTED, body()));
        assertThrows(SignatureRejectedException.class, () -> signature.verify("", EXPECTED, body()));
        assertThrows(SignatureRejectedException.class,
                () -> signature.verify("1531420618.5", EXPECTED, body()));
    }

    @Test
    void rejectsEverythingWithoutASigningSecret() {
        signature.signingSecret = "";
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, EXPECTED, body()));
        signature.signingSecret = null;
        assertThrows(SignatureRejectedException.class, () -> signature.verify(TIMESTAMP, EXPECTED, body()));
    }

    @Test
    void anyRequestSignedNowIsAccepted() {
        long now = 1_800_000_000L;
        signature.clock = at(now);
        byte[] payload = "payload=%7B%22type%22%3A%22block_actions%22%7D".getBytes(StandardCharsets.UTF_8);
        String sig = SlackSignature.sign(SECRET, Long.toString(now), payload);
        assertDoesNotThrow(() -> signature.verify(Long.toString(now), sig, payload));
        // the timestamp is part of what is signed
        assertThrows(SignatureRejectedException.class, () -> signature.verify(Long.toString(now - 1), sig, payload));
    }
}
