package sgwarden.slack;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Header;

import sgwarden.config.Settings;
import sgwarden.config.SlackSecrets;

/**
 * Checks Slack's request signature: HMAC-SHA256 over "v0:timestamp:raw body" with the signing
 * secret. The window is checked both ways (the SDK's own verifier accepts any future timestamp)
 * and the comparison takes the same time wherever the first wrong byte is.
 */
@ApplicationScoped
@Named("slackSignature")
public class SlackSignature {

    static final Duration WINDOW = Duration.ofMinutes(5);

    @Inject
    Settings settings;

    String signingSecret;

    @Inject
    Clock clock;

    @PostConstruct
    void init() {
        signingSecret = settings.slack().signingSecret().orElse("");
    }

    /** Passes a genuine request through untouched; throws for anything else. */
    public void verify(@Header("X-Slack-Request-Timestamp") String timestamp,
            @Header("X-Slack-Signature") String signature, @Body byte[] body) {
        checkHeaders(timestamp, signature);
        byte[] expected = sign(signingSecret, timestamp.trim(), body == null ? new byte[0] : body)
                .getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
            throw new SignatureRejectedException("signature does not match");
        }
    }

    /**
     * What can be judged before the body has arrived: a signing secret to check with, both headers, and
     * a timestamp inside the window. {@link InteractionGate} asks this of every request's head.
     */
    public void checkHeaders(String timestamp, String signature) {
        if (signingSecret == null || signingSecret.isBlank()) {
            throw new SignatureRejectedException("the service has no signing secret configured");
        }
        // the placeholder is public: anything signed with it may come from anyone
        if (SlackSecrets.isPlaceholder(Optional.of(signingSecret))) {
            throw new SignatureRejectedException("the signing secret is still the deployment's placeholder");
        }
        if (timestamp == null || signature == null) {
            throw new SignatureRejectedException("missing X-Slack-Request-Timestamp or X-Slack-Signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new SignatureRejectedException("X-Slack-Request-Timestamp is not a number");
        }
        // bounds, not Math.abs(now - seconds): that difference overflows for timestamps near Long.MIN_VALUE
        long now = clock.instant().getEpochSecond();
        if (seconds < now - WINDOW.toSeconds() || seconds > now + WINDOW.toSeconds()) {
            throw new SignatureRejectedException("request timestamp is outside the 5-minute window");
        }
    }

    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return "v0=" + HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
