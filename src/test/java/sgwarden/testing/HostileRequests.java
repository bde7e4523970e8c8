package sgwarden.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import sgwarden.slack.SlackSignature;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Shrinkable;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;

/**
 * What the internet may send to the public Slack endpoint: forged and stale signatures, headers of
 * every wrong shape, garbled, wrongly encoded and oversized bodies, wrong methods and content types,
 * and requests that are malformed at the HTTP level. jqwik generates them, used programmatically so
 * that the requests can be sent from inside a {@code @QuarkusTest}.
 *
 * <p>None of them is both correctly signed, inside the 5-minute window, and a valid click on the
 * real change: a request that Slack signed is Slack's, so only those that are broken some other way
 * are signed with the real secret. Each carries the statuses it may get.
 */
public final class HostileRequests {

    public static final String APPROVE = "sgwarden_approve";
    public static final String DENY = "sgwarden_deny";
    public static final int LIMIT = 65_536;

    /**
     * No status: the connection was dropped. Only for a chunked body whose framing breaks after the
     * headers were accepted; Vert.x then fails the request and closes the connection, and there is
     * no response left to send.
     */
    public static final int CLOSED = -1;

    /** Any 4xx: for requests that the HTTP layer may refuse in more than one way. */
    public static final Set<Integer> CLIENT_ERROR = IntStream.range(400, 500).boxed().collect(Collectors.toSet());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";

    /** One generated request: its family, what it is, the statuses it may get, and its bytes at a given second. */
    public record Hostile(String kind, String detail, Set<Integer> expected, LongFunction<Wire> wire) {
        @Override
        public String toString() {
            return kind + " / " + detail;
        }
    }

    /**
     * A request as sent: through the JDK HttpClient (method, path, headers, body, chunked or with a
     * Content-Length), or, when raw is set, exactly those bytes over a socket; with a body as well,
     * raw is the head and the body is streamed after it until the service answers.
     */
    public record Wire(String method, String path, List<String[]> headers, byte[] body, boolean chunked, byte[] raw) {
        static Wire raw(byte[] bytes) {
            return new Wire(null, null, null, null, false, bytes);
        }

        static Wire streamed(byte[] head, byte[] body) {
            return new Wire(null, null, null, body, false, head);
        }
    }

    /** What came back: the status (-1 when the connection ended without one) and the start of the answer. */
    public record Answer(int status, String text) {
    }

    private record Forgery(String name, BiFunction<String, byte[], String> sign) {
    }

    private record Mutation(String name, Consumer<ObjectNode> change, Set<Integer> expected) {
    }

    private final URI endpoint;
    private final String changeId;
    private final String responseUrl;
    private final String secret;
    private HttpClient http = newClient();

    /**
     * @param url the interactions endpoint
     * @param changeId the real, announced change that nothing may decide
     * @param responseUrl a response_url the service accepts (the Slack stand-in's)
     * @param secret the real signing secret, used only for requests broken some other way
     */
    public HostileRequests(String url, String changeId, String responseUrl, String secret) {
        this.endpoint = URI.create(url);
        this.changeId = changeId;
        this.responseUrl = responseUrl;
        this.secret = secret;
    }

    /** {@code count} requests drawn with jqwik's generators from a seeded random, edge cases mixed in. */
    public List<Hostile> sample(long seed, int count) {
        // outside a property jqwik needs a session (its generators memoize in a per-session store)
        JqwikSession.start(Long.toString(seed));
        try {
            return any().generatorWithEmbeddedEdgeCases(count).stream(new Random(seed)).limit(count)
                    .map(Shrinkable::value).toList();
        } finally {
            JqwikSession.finish();
        }
    }

    public Arbitrary<Hostile> any() {
        return Arbitraries.frequencyOf(
                Tuple.of(22, forgedSignatures()),
                Tuple.of(9, staleTimestamps()),
                Tuple.of(8, badTimestampHeaders()),
                Tuple.of(6, headerShapes()),
                Tuple.of(5, wrongMethods()),
                Tuple.of(5, wrongContentTypes()),
                Tuple.of(12, wrongJson()),
                Tuple.of(12, garbledBodies()),
                Tuple.of(5, unknownChanges()),
                Tuple.of(2, oversized()),
                Tuple.of(14, malformedHttp()));
    }

    // ---- families --------------------------------------------------------------------------

    /** A valid click on the real change, sent now, with a signature that is not the right one. */
    Arbitrary<Hostile> forgedSignatures() {
        Arbitrary<Forgery> forgeries = Arbitraries.oneOf(List.of(
                hex(64).map(h -> new Forgery("random hex", (ts, b) -> "v0=" + h)),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(48).filter(s -> !s.equals(secret))
                        .map(s -> new Forgery("signed with another secret", (ts, b) -> SlackSignature.sign(s, ts, b))),
                Arbitraries.just(new Forgery("v1= prefix", (ts, b) -> "v1=" + good(ts, b).substring(3))),
                Arbitraries.just(new Forgery("V0= prefix", (ts, b) -> "V0=" + good(ts, b).substring(3))),
                Arbitraries
                        .just(new Forgery("uppercase hex", (ts, b) -> "v0=" + good(ts, b).substring(3).toUpperCase())),
                Arbitraries.just(new Forgery("empty", (ts, b) -> "")),
                Arbitraries.just(new Forgery("prefix only", (ts, b) -> "v0=")),
                Arbitraries.just(new Forgery("hex without prefix", (ts, b) -> good(ts, b).substring(3))),
                Arbitraries.integers().between(0, 66)
                        .map(n -> new Forgery("truncated to " + n, (ts, b) -> good(ts, b).substring(0, n))),
                Combinators.combine(Arbitraries.integers().between(1, 66), Arbitraries.of(" ", "\t", "  "))
                        .as((at, ws) -> new Forgery("whitespace inside at " + at, (ts, b) -> {
                            String s = good(ts, b);
                            return s.substring(0, at) + ws + s.substring(at);
                        })),
                Arbitraries.just(new Forgery("one extra hex digit", (ts, b) -> good(ts, b) + "0")),
                Arbitraries.just(new Forgery("twice", (ts, b) -> good(ts, b) + good(ts, b))),
                Arbitraries.just(new Forgery("list with a wrong one first",
                        (ts, b) -> "v0=" + "0".repeat(64) + "," + good(ts, b))),
                Arbitraries.integers().between(-400, 400).filter(d -> d != 0).map(d -> new Forgery(
                        "signed for timestamp " + (d > 0 ? "+" : "") + d,
                        (ts, b) -> SlackSignature.sign(secret, Long.toString(Long.parseLong(ts) + d), b))),
                Arbitraries.just(new Forgery("signed for another body",
                        (ts, b) -> good(ts, concat(b, "&x=1".getBytes(StandardCharsets.UTF_8))))),
                Arbitraries.just(new Forgery("signed with a trailing newline",
                        (ts, b) -> good(ts, concat(b, new byte[]{'\n'})))),
                Arbitraries.just(
                        new Forgery("HMAC-SHA1", (ts, b) -> "v0=" + mac("HmacSHA1", secret, "v0:" + ts + ":", b))),
                Arbitraries.just(new Forgery("no v0 in the base string",
                        (ts, b) -> "v0=" + mac("HmacSHA256", secret, ts + ":", b))),
                Arbitraries.just(new Forgery("v1 in the base string",
                        (ts, b) -> "v0=" + mac("HmacSHA256", secret, "v1:" + ts + ":", b))),
                Arbitraries.just(new Forgery("base64 instead of hex", (ts, b) -> "v0="
                        + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(good(ts, b).substring(3))))),
                Arbitraries.just(new Forgery("SHA-256 of the body, no key", (ts, b) -> "v0=" + sha256(b))),
                Arbitraries.strings().withCharRange('\u00a1', '\u00ff').ofMinLength(1).ofMaxLength(64)
                        .map(s -> new Forgery("latin-1 bytes", (ts, b) -> "v0=" + s))));
        return Combinators.combine(realClicks(), forgeries, Arbitraries.integers().between(-60, 60))
                .as((body, forgery, skew) -> new Hostile("forged signature", forgery.name(), Set.of(401), now -> {
                    String ts = Long.toString(now + skew);
                    return post(body, ts, forgery.sign().apply(ts, bytes(body)));
                }));
    }

    /** A valid click on the real change, correctly signed, but for a moment outside the 5-minute window. */
    Arbitrary<Hostile> staleTimestamps() {
        // old: the service's clock only moves on, so one second past the window is safely outside it;
        // ahead: a margin, since a slow machine may take a few seconds to get the request to the check
        Arbitrary<Long> old = Arbitraries.oneOf(Arbitraries.of(301L, 302L, 360L, 3_600L, 86_400L),
                Arbitraries.longs().between(301, 3_600), Arbitraries.longs().between(3_600, 10L * 365 * 86_400));
        Arbitrary<Long> ahead = Arbitraries.oneOf(Arbitraries.of(330L, 360L, 3_600L, 86_400L),
                Arbitraries.longs().between(330, 3_600), Arbitraries.longs().between(3_600, 10L * 365 * 86_400));
        Arbitrary<Long> offsets = Arbitraries.oneOf(old.map(o -> -o), ahead);
        return Combinators.combine(realClicks(), offsets)
                .as((body, offset) -> new Hostile("replayed outside the window",
                        (offset < 0 ? "old by " + -offset : "ahead by " + offset) + " s", Set.of(401),
                        now -> signedPost(body, Long.toString(now + offset))));
    }

    /** A valid click on the real change whose timestamp header is no timestamp; signed over what is sent. */
    Arbitrary<Hostile> badTimestampHeaders() {
        record Stamp(String name, LongFunction<String> value) {
        }
        Arbitrary<Stamp> stamps = Arbitraries.oneOf(List.of(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20).map(s -> new Stamp("letters", now -> s)),
                Arbitraries.of(
                        new Stamp("decimal", now -> now + ".0"),
                        new Stamp("exponent", now -> now + "e0"),
                        new Stamp("scientific", now -> (now / 1_000_000_000d) + "E9"),
                        new Stamp("hex", now -> "0x" + Long.toHexString(now)),
                        new Stamp("trailing letters", now -> now + "abc"),
                        new Stamp("inner space", now -> now + " 1"),
                        new Stamp("inner tab", now -> now + "\t1"),
                        new Stamp("underscores",
                                now -> String.format(java.util.Locale.ROOT, "%,d", now).replace(',', '_')),
                        new Stamp("negative", now -> "-" + now),
                        new Stamp("milliseconds", now -> Long.toString(now * 1000)),
                        new Stamp("zero", now -> "0"),
                        new Stamp("minus zero", now -> "-0"),
                        new Stamp("long max", now -> Long.toString(Long.MAX_VALUE)),
                        new Stamp("long min", now -> Long.toString(Long.MIN_VALUE)),
                        new Stamp("overflow", now -> "99999999999999999999"),
                        new Stamp("overflow by one", now -> "9223372036854775808"),
                        new Stamp("underflow by one", now -> "-9223372036854775809"),
                        new Stamp("empty", now -> ""),
                        new Stamp("blank", now -> "   "),
                        new Stamp("NaN", now -> "NaN"),
                        new Stamp("Infinity", now -> "Infinity"),
                        new Stamp("sign only", now -> "-"),
                        new Stamp("no-break space before", now -> "\u00a0" + now),
                        new Stamp("latin-1 superscripts", now -> "\u00b9\u00b2\u00b3"),
                        new Stamp("latin-1 after", now -> now + "\u00bd"),
                        new Stamp("ISO date", now -> java.time.Instant.ofEpochSecond(now).toString()),
                        new Stamp("HTTP date", now -> java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                                .format(java.time.Instant.ofEpochSecond(now).atZone(java.time.ZoneOffset.UTC))))));
        return Combinators.combine(realClicks(), stamps).as((body, stamp) -> new Hostile("bad timestamp header",
                stamp.name(), Set.of(401), now -> signedPost(body, stamp.value().apply(now))));
    }

    /** The two Slack headers missing, duplicated, misnamed or huge; the click is the real one, signed now. */
    Arbitrary<Hostile> headerShapes() {
        record Shape(String name, Set<Integer> expected, BiFunction<String, String, List<String[]>> headers) {
        }
        String wrongSig = "v0=" + "0".repeat(64);
        return Combinators.combine(realClicks(), Arbitraries.of(
                new Shape("no timestamp", Set.of(401), (ts, sig) -> List.<String[]>of(h("X-Slack-Signature", sig))),
                new Shape("no signature", Set.of(401),
                        (ts, sig) -> List.<String[]>of(h("X-Slack-Request-Timestamp", ts))),
                new Shape("neither", Set.of(401), (ts, sig) -> List.of()),
                new Shape("empty signature and timestamp", Set.of(401),
                        (ts, sig) -> List.<String[]>of(h("X-Slack-Request-Timestamp", ""), h("X-Slack-Signature", ""))),
                new Shape("two signatures, the wrong one first", Set.of(401), (ts, sig) -> List.of(
                        h("X-Slack-Request-Timestamp", ts), h("X-Slack-Signature", wrongSig),
                        h("X-Slack-Signature", sig))),
                new Shape("two signatures, the wrong one second", Set.of(401), (ts, sig) -> List.of(
                        h("X-Slack-Request-Timestamp", ts), h("X-Slack-Signature", sig),
                        h("X-Slack-Signature", wrongSig))),
                new Shape("two timestamps, an old one first", Set.of(401), (ts, sig) -> List.of(
                        h("X-Slack-Request-Timestamp", Long.toString(Long.parseLong(ts) - 3600)),
                        h("X-Slack-Request-Timestamp", ts), h("X-Slack-Signature", sig))),
                new Shape("two timestamps, an old one second", Set.of(401), (ts, sig) -> List.of(
                        h("X-Slack-Request-Timestamp", ts),
                        h("X-Slack-Request-Timestamp", Long.toString(Long.parseLong(ts) - 3600)),
                        h("X-Slack-Signature", sig))),
                new Shape("underscores in the names", Set.of(401), (ts, sig) -> List.of(
                        h("X_Slack_Request_Timestamp", ts), h("X_Slack_Signature", sig))),
                new Shape("names with a suffix", Set.of(401), (ts, sig) -> List.of(
                        h("X-Slack-Request-Timestamp-2", ts), h("X-Slack-Signature-2", sig))),
                new Shape("signature in Authorization", Set.of(401), (ts, sig) -> List.of(
                        h("X-Slack-Request-Timestamp", ts), h("Authorization", "Bearer " + sig))),
                new Shape("30 KB signature", CLIENT_ERROR, (ts, sig) -> List.of(
                        h("X-Slack-Request-Timestamp", ts), h("X-Slack-Signature", sig + "0".repeat(30_000)))),
                new Shape("30 KB timestamp", CLIENT_ERROR, (ts, sig) -> List.of(
                        h("X-Slack-Request-Timestamp", "9".repeat(30_000)), h("X-Slack-Signature", sig))),
                new Shape("200 copies of the timestamp", Set.of(401), (ts, sig) -> {
                    List<String[]> hs = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        hs.add(h("X-Slack-Request-Timestamp", ts));
                    }
                    hs.add(h("X-Slack-Signature", sig));
                    return hs;
                })))
                .as((body, shape) -> new Hostile("header shape", shape.name(), shape.expected(), now -> {
                    String ts = Long.toString(now);
                    List<String[]> hs = new ArrayList<>();
                    hs.add(h("Content-Type", FORM));
                    hs.addAll(shape.headers().apply(ts, good(ts, bytes(body))));
                    return new Wire("POST", endpoint.getPath(), hs, bytes(body), false, null);
                }));
    }

    /** A valid click on the real change, correctly signed and now, with a method other than POST. */
    Arbitrary<Hostile> wrongMethods() {
        return Combinators.combine(realClicks(),
                Arbitraries.of("GET", "PUT", "DELETE", "PATCH", "HEAD", "TRACE", "PROPFIND", "post", "Post"),
                Arbitraries.of(true, false))
                .as((body, method, withBody) -> new Hostile("wrong method", method + (withBody ? " with the body" : ""),
                        Set.of(404, 405), now -> {
                            String ts = Long.toString(now);
                            byte[] b = withBody ? bytes(body) : new byte[0];
                            return new Wire(method, endpoint.getPath(), List.of(h("Content-Type", FORM),
                                    h("X-Slack-Request-Timestamp", ts), h("X-Slack-Signature", good(ts, bytes(body)))),
                                    b, false, null);
                        }));
    }

    /**
     * Content types Slack never sends: with a forged signature over the real click, or correctly signed
     * over a click on a change that does not exist. Refused from the headers (415), or as unparseable (400).
     */
    Arbitrary<Hostile> wrongContentTypes() {
        Arbitrary<String> types = Arbitraries.of("application/json", "text/plain", "multipart/form-data; boundary=x",
                "application/xml", "*/*", "", "application/x-www-form-urlencoded; charset=utf-16",
                "application/x-www-form-urlencoded; charset=nonsense", "text/html; charset=\u00ff", "none",
                "application/x-www-form-urlencoded;;;", "application/x-www-form-urlencoded; =", "/", ";",
                "application/x-www-form-urlencoded; charset=\"utf-8", "application/x-www-form-urlencoded, text/plain",
                // a parameter that is a lone double quote: unparseable, refused as a bad request
                "application/x-www-form-urlencoded; boundary=\"", "text/plain; charset=\"", "a/b; x=\"");
        return Combinators.combine(types, Arbitraries.of(true, false), realClicks(), hex(64))
                .as((type, forged, click, hex) -> {
                    String body = forged ? click : unknownClick("ct-" + hex.substring(0, 12));
                    return new Hostile("wrong content type", type + (forged ? ", forged" : ", signed, unknown change"),
                            type.endsWith("=\"") ? Set.of(400) : Set.of(415), now -> {
                                String ts = Long.toString(now);
                                List<String[]> hs = new ArrayList<>();
                                if (!"none".equals(type)) {
                                    hs.add(h("Content-Type", type));
                                }
                                hs.add(h("X-Slack-Request-Timestamp", ts));
                                hs.add(h("X-Slack-Signature", forged ? "v0=" + hex : good(ts, bytes(body))));
                                return new Wire("POST", endpoint.getPath(), hs, bytes(body), false, null);
                            });
                });
    }

    /** Correctly signed, now: the payload's JSON has wrong types, wrong values or a wrong shape. */
    Arbitrary<Hostile> wrongJson() {
        String responsePrefix = responseUrl.substring(0, responseUrl.lastIndexOf('/') + 1);
        Set<Integer> bad = Set.of(400);
        Set<Integer> unknown = Set.of(404);
        Arbitrary<Mutation> mutations = Arbitraries.of(
                new Mutation("type is a number", p -> p.put("type", 1), bad),
                new Mutation("type is null", p -> p.putNull("type"), bad),
                new Mutation("type is an object", p -> p.putObject("type").put("type", "block_actions"), bad),
                new Mutation("type is an array", p -> p.putArray("type").add("block_actions"), bad),
                new Mutation("type in capitals", p -> p.put("type", "BLOCK_ACTIONS"), bad),
                new Mutation("type view_submission", p -> p.put("type", "view_submission"), bad),
                new Mutation("type interactive_message", p -> p.put("type", "interactive_message"), bad),
                new Mutation("no type", p -> p.remove("type"), bad),
                new Mutation("user is a string", p -> p.put("user", "U0BOB"), bad),
                new Mutation("user is an array", p -> p.set("user", JSON.createArrayNode().add(p.get("user"))), bad),
                new Mutation("user.id is a number", p -> user(p).put("id", 42), bad),
                new Mutation("user.id is null", p -> user(p).putNull("id"), bad),
                new Mutation("user.id is blank", p -> user(p).put("id", "  "), bad),
                new Mutation("user.id is an array", p -> user(p).putArray("id").add("U0BOB"), bad),
                new Mutation("user.id is true", p -> user(p).put("id", true), bad),
                new Mutation("no user", p -> p.remove("user"), bad),
                new Mutation("actions is an object", p -> p.set("actions", p.get("actions").get(0)), bad),
                new Mutation("actions is a string", p -> p.put("actions", DENY), bad),
                new Mutation("actions is empty", p -> p.putArray("actions"), bad),
                new Mutation("actions is null", p -> p.putNull("actions"), bad),
                new Mutation("two actions", p -> actions(p).add(actions(p).get(0).deepCopy()), bad),
                new Mutation("a hundred actions", p -> {
                    for (int i = 0; i < 99; i++) {
                        actions(p).add(actions(p).get(0).deepCopy());
                    }
                }, bad),
                new Mutation("actions of strings", p -> p.putArray("actions").add(DENY).add(changeId), bad),
                new Mutation("actions nested", p -> p.set("actions", JSON.createArrayNode().add(actions(p))), bad),
                new Mutation("actions[0] is null", p -> p.putArray("actions").addNull(), bad),
                new Mutation("no actions", p -> p.remove("actions"), bad),
                new Mutation("action_id is a number", p -> action(p).put("action_id", 7), bad),
                new Mutation("action_id is null", p -> action(p).putNull("action_id"), bad),
                new Mutation("action_id is an array", p -> action(p).putArray("action_id").add(DENY), bad),
                new Mutation("action_id in capitals", p -> action(p).put("action_id", DENY.toUpperCase()), bad),
                new Mutation("action_id with a trailing space", p -> action(p).put("action_id", DENY + " "), bad),
                new Mutation("action_id of another app", p -> action(p).put("action_id", "approve"), bad),
                new Mutation("no action_id", p -> action(p).remove("action_id"), bad),
                new Mutation("value is a number", p -> action(p).put("value", 12345), bad),
                new Mutation("value is null", p -> action(p).putNull("value"), bad),
                new Mutation("value is an array", p -> action(p).putArray("value").add(changeId), bad),
                new Mutation("value is an object", p -> action(p).putObject("value").put("id", changeId), bad),
                new Mutation("value is blank", p -> action(p).put("value", " \t "), bad),
                new Mutation("no value", p -> action(p).remove("value"), bad),
                new Mutation("value with a trailing space", p -> action(p).put("value", changeId + " "), unknown),
                new Mutation("value in capitals", p -> action(p).put("value", changeId.toUpperCase()), unknown),
                new Mutation("value with a NUL", p -> action(p).put("value", changeId + "\u0000"), unknown),
                new Mutation("value with a quote", p -> action(p).put("value", changeId + "' OR '1'='1"), unknown),
                new Mutation("value is an attribute name", p -> action(p).put("value", "#status"), unknown),
                new Mutation("value is a lone surrogate", p -> action(p).put("value", "\ud800"), Set.of(400, 404)),
                new Mutation("value of 3,000 characters", p -> action(p).put("value", "a".repeat(3_000)),
                        Set.of(400, 404)),
                new Mutation("value of 2,049 bytes", p -> action(p).put("value", "\u00e9".repeat(1_025)),
                        Set.of(400, 404)),
                new Mutation("value of 50,000 characters", p -> action(p).put("value", "b".repeat(50_000)),
                        Set.of(400, 404)),
                new Mutation("response_url is a number", p -> p.put("response_url", 1), bad),
                new Mutation("response_url is null", p -> p.putNull("response_url"), bad),
                new Mutation("response_url elsewhere", p -> p.put("response_url", "https://evil.example/response/1"),
                        bad),
                new Mutation("response_url a lookalike", p -> p.put("response_url",
                        responsePrefix.substring(0, responsePrefix.length() - 1) + "x/1"), bad),
                new Mutation("response_url with credentials", p -> p.put("response_url",
                        "http://127.0.0.1@evil.example/response/1"), bad),
                new Mutation("response_url javascript", p -> p.put("response_url", "javascript:alert(1)"), bad),
                new Mutation("no response_url", p -> p.remove("response_url"), bad));
        return mutations.map(m -> {
            ObjectNode p = realPayload(DENY, "U0BOB");
            m.change().accept(p);
            String body = Clicks.form(p.toString());
            return new Hostile("wrong JSON", m.name(), m.expected(), now -> signedPost(body, Long.toString(now)));
        });
    }

    /** Correctly signed, now: the body is truncated, garbled, wrongly encoded or nested absurdly deep. */
    Arbitrary<Hostile> garbledBodies() {
        String click = Clicks.form(realPayload(DENY, "U0BOB").toString());
        String payload = realPayload(DENY, "U0BOB").toString();
        Set<Integer> bad = Set.of(400);
        record Garble(String name, byte[] body, Set<Integer> expected) {
        }
        Arbitrary<Garble> truncated = Arbitraries.integers().between(0, click.length() - 1)
                .map(n -> new Garble("truncated to " + n + " of " + click.length(), bytes(click.substring(0, n)), bad));
        Arbitrary<Garble> randomBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(4_096)
                .map(b -> new Garble("random bytes (" + b.length + ")", b, bad));
        Arbitrary<Garble> payloadBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(4_096)
                .map(b -> new Garble("payload= then random bytes", concat(bytes("payload="), b), bad));
        Arbitrary<Garble> payloadText = Arbitraries.strings().ofMaxLength(200)
                .map(s -> new Garble("payload= then random text", bytes("payload=" + enc(s)), bad));
        Arbitrary<Garble> fixed = Arbitraries.of(
                new Garble("empty", new byte[0], bad),
                new Garble("payload= and nothing", bytes("payload="), bad),
                new Garble("lone %", bytes("payload=%"), bad),
                new Garble("half an escape", bytes("payload=%7"), bad),
                new Garble("bad escape %ZZ", bytes("payload=%ZZ" + click.substring(8)), bad),
                new Garble("bad escape %%", bytes("payload=%%7B"), bad),
                new Garble("escape cut at the end", bytes(click.substring(0, click.length() - 2)), bad),
                new Garble("escape of invalid UTF-8 %C3%28", bytes("payload=%C3%28" + click.substring(8)), bad),
                new Garble("escape of %FF%FE", bytes("payload=%FF%FE" + click.substring(8)), bad),
                new Garble("overlong UTF-8 brace", concat(bytes("payload="), new byte[]{(byte) 0xC1, (byte) 0xBB},
                        bytes(click.substring(11))), bad),
                new Garble("invalid UTF-8 in type", bytes(("payload=" + URLEncoder.encode(payload.replace(
                        "block_actions", "block_\u0000actions"), StandardCharsets.UTF_8)).replace("%00", "%FF")), bad),
                new Garble("raw invalid UTF-8 in type", replace(bytes(Clicks.form(payload.replace("block_actions",
                        "block_@@actions"))), bytes("%40%40"), new byte[]{(byte) 0xFF, (byte) 0xC3}), bad),
                new Garble("raw invalid UTF-8 in action_id", replace(bytes(Clicks.form(payload.replace(DENY,
                        "sgwarden_@@deny"))), bytes("%40%40"), new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}), bad),
                new Garble("raw invalid UTF-8 in the change id", replace(bytes(Clicks.form(payload.replace(changeId,
                        changeId + "@@"))), bytes("%40%40"), new byte[]{(byte) 0xF8, (byte) 0x88}), Set.of(404)),
                new Garble("UTF-16", click.getBytes(StandardCharsets.UTF_16), bad),
                new Garble("UTF-16LE", click.getBytes(StandardCharsets.UTF_16LE), bad),
                new Garble("UTF-32", click.getBytes(java.nio.charset.Charset.forName("UTF-32")), bad),
                new Garble("JSON not form-encoded", bytes(payload), bad),
                new Garble("JSON as the field name", bytes(enc(payload) + "=1"), bad),
                new Garble("field Payload", bytes("Payload=" + enc(payload)), bad),
                new Garble("field payload with a space", bytes("payload =" + enc(payload)), bad),
                new Garble("field name percent-encoded", bytes("%70ayload=" + enc(payload)), bad),
                new Garble("field without =", bytes("payload" + enc(payload)), bad),
                new Garble("field after ;", bytes("x=1;payload=" + enc(payload)), bad),
                new Garble("a bad payload first, the real one second",
                        bytes("payload=" + enc("{}") + "&payload=" + enc(payload)), bad),
                new Garble("payload is an array", bytes("payload=" + enc("[" + payload + "]")), bad),
                new Garble("payload is a string", bytes("payload=" + enc(JSON.valueToTree(payload).toString())), bad),
                new Garble("payload is null", bytes("payload=null"), bad),
                new Garble("payload is a number", bytes("payload=12345"), bad),
                new Garble("payload is true", bytes("payload=true"), bad),
                new Garble("payload is {}", bytes("payload=%7B%7D"), bad),
                new Garble("payload with a comment", bytes("payload=" + enc("/*x*/" + payload)), bad),
                new Garble("payload missing its last brace",
                        bytes("payload=" + enc(payload.substring(0, payload.length() - 1))), bad),
                new Garble("payload of 60,000 digits as type",
                        bytes("payload=" + enc("{\"type\":" + "9".repeat(60_000) + "}")), bad),
                new Garble("type is 1e999999",
                        bytes("payload=" + enc(payload.replace("\"block_actions\"", "1e999999"))), bad),
                new Garble("duplicate actions key, the empty one last",
                        bytes("payload=" + enc(payload.substring(0, payload.length() - 1) + ",\"actions\":[]}")), bad));
        Arbitrary<Garble> nestedArrays = Arbitraries.integers().between(1_001, 60_000)
                .map(d -> new Garble("arrays nested " + d + " deep",
                        bytes("payload=" + "[".repeat(d) + "]".repeat(Math.min(d, 2_000))), bad));
        Arbitrary<Garble> nestedObjects = Arbitraries.integers().between(1_001, 12_000)
                .map(d -> new Garble("objects nested " + d + " deep", bytes("payload=" + "{\"a\":".repeat(d)), bad));
        Arbitrary<Garble> nestedType = Arbitraries.integers().between(1_001, 9_000)
                .map(d -> new Garble("type nested " + d + " deep", bytes("payload=" + enc(payload.replace(
                        "\"block_actions\"", "[".repeat(d) + "]".repeat(d)))), bad));
        Arbitrary<Garble> garbles = Arbitraries.frequencyOf(Tuple.of(40, fixed), Tuple.of(6, truncated),
                Tuple.of(4, randomBytes), Tuple.of(4, payloadBytes), Tuple.of(4, payloadText),
                Tuple.of(2, nestedArrays),
                Tuple.of(2, nestedObjects), Tuple.of(2, nestedType));
        return garbles.map(g -> new Hostile("garbled body", g.name(), g.expected(),
                now -> signedPost(g.body(), Long.toString(now), FORM)));
    }

    /** Correctly signed and now, by someone allowed, but on a change that does not exist. */
    Arbitrary<Hostile> unknownChanges() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(100),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(300),
                hex(32).map(h -> h.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5")))
                .filter(id -> !id.equals(changeId))
                .map(id -> {
                    String body = unknownClick(id);
                    return new Hostile("unknown change", "id of " + id.length() + " chars",
                            id.isBlank() ? Set.of(400) : Set.of(400, 404), now -> signedPost(body, Long.toString(now)));
                });
    }

    /**
     * Bodies beyond the limit, with a Content-Length (413) or chunked (411: a body that cannot be sized
     * from the headers is refused): before the signature is looked at.
     */
    Arbitrary<Hostile> oversized() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(LIMIT + 1, LIMIT + 4_096)),
                Tuple.of(3, Arbitraries.integers().between(100_000, 500_000)),
                Tuple.of(1, Arbitraries.integers().between(1_000_000, 3_000_000)));
        Arbitrary<Hostile> over = Combinators.combine(sizes, Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((size, chunked, signed) -> new Hostile("oversized body",
                        size + " bytes, " + (chunked ? "chunked" : "Content-Length")
                                + (signed ? ", signed" : ", forged"),
                        Set.of(chunked ? 411 : 413), now -> {
                            byte[] body = filler(size);
                            String ts = Long.toString(now);
                            String signature = signed ? good(ts, body) : "v0=" + "1".repeat(64);
                            // over a socket: the service answers on seeing the Content-Length (or its absence) and
                            // closes, which the JDK client, still writing, may report as a dropped connection instead
                            return Wire.streamed(raw("POST " + endpoint.getPath() + " HTTP/1.1",
                                    head(endpoint.getHost() + ":" + endpoint.getPort(), ts, signature,
                                            chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + size),
                                    new byte[0]), chunked ? chunk(body) : body);
                        }));
        Arbitrary<Hostile> atTheLimit = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((chunked, signed) -> new Hostile("body at the limit",
                        LIMIT + " bytes, " + (chunked ? "chunked" : "Content-Length")
                                + (signed ? ", signed" : ", forged"),
                        chunked ? Set.of(411) : Set.of(signed ? 400 : 401), now -> {
                            byte[] body = filler(LIMIT);
                            String ts = Long.toString(now);
                            if (chunked) {
                                // refused on its head: streamed only until the answer, as the oversized ones are
                                return Wire.streamed(raw("POST " + endpoint.getPath() + " HTTP/1.1",
                                        head(endpoint.getHost() + ":" + endpoint.getPort(), ts,
                                                signed ? good(ts, body) : "v0=" + "1".repeat(64),
                                                "Transfer-Encoding: chunked"),
                                        new byte[0]), chunk(body));
                            }
                            return new Wire("POST", endpoint.getPath(), List.of(h("Content-Type", FORM),
                                    h("X-Slack-Request-Timestamp", ts),
                                    h("X-Slack-Signature", signed ? good(ts, body) : "v0=" + "1".repeat(64))),
                                    body, chunked, null);
                        }));
        return Arbitraries.frequencyOf(Tuple.of(4, over), Tuple.of(1, atTheLimit));
    }

    /** Requests broken at the HTTP level, written byte for byte to a socket. */
    Arbitrary<Hostile> malformedHttp() {
        record Raw(String name, Set<Integer> expected, LongFunction<byte[]> bytes) {
        }
        String path = endpoint.getPath();
        String host = endpoint.getHost() + ":" + endpoint.getPort();
        String forged = "v0=" + "2".repeat(64);
        String click = Clicks.form(realPayload(DENY, "U0BOB").toString());
        byte[] body = bytes(click);
        List<Raw> raws = new ArrayList<>(List.of(
                new Raw("Content-Length not a number", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: abc"), body)),
                new Raw("Content-Length negative", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: -1"), body)),
                new Raw("Content-Length overflowing a long", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: 99999999999999999999"), body)),
                new Raw("Content-Length 9223372036854775807", Set.of(413), now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: 9223372036854775807"), body)),
                new Raw("two different Content-Lengths", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: " + body.length, "Content-Length: 5"), body)),
                new Raw("Content-Length as a list", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: " + body.length + ", " + body.length), body)),
                new Raw("Content-Length shorter than the body", Set.of(401), now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: 20"), body)),
                new Raw("Content-Length and chunked", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: 4", "Transfer-Encoding: chunked"), chunk(body))),
                new Raw("chunk size not hex", Set.of(CLOSED, 400, 411), now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Transfer-Encoding: chunked"), bytes("zz\r\nhello\r\n0\r\n\r\n"))),
                new Raw("chunk size overflowing", Set.of(CLOSED, 400, 411), now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Transfer-Encoding: chunked"),
                        bytes("ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n"))),
                new Raw("chunk with an extension", Set.of(411), now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Transfer-Encoding: chunked"),
                        concat(bytes(Integer.toHexString(body.length) + ";ext=1\r\n"), body, bytes("\r\n0\r\n\r\n")))),
                new Raw("chunk bigger than the limit", Set.of(411), now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Transfer-Encoding: chunked"),
                        concat(bytes(Integer.toHexString(LIMIT + 10) + "\r\n"), filler(LIMIT + 10),
                                bytes("\r\n0\r\n\r\n")))),
                new Raw("Transfer-Encoding chunked twice", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"),
                        chunk(body))),
                new Raw("Transfer-Encoding in capitals", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Transfer-Encoding: CHUNKED"), chunk(body))),
                new Raw("timestamp in Arabic-Indic digits", Set.of(401), now -> {
                    String ts = arabicIndic(now);
                    return raw("POST " + path + " HTTP/1.1", head(host, ts, SlackSignature.sign(secret, ts, body),
                            "Content-Length: " + body.length), body);
                }),
                new Raw("timestamp in full-width digits", Set.of(401), now -> {
                    String ts = fullWidth(now);
                    return raw("POST " + path + " HTTP/1.1", head(host, ts, SlackSignature.sign(secret, ts, body),
                            "Content-Length: " + body.length), body);
                }),
                new Raw("signature in full-width letters", Set.of(401), now -> {
                    String ts = Long.toString(now);
                    return raw("POST " + path + " HTTP/1.1", head(host, ts,
                            "\uff56\uff10\uff1d" + good(ts, body).substring(3), "Content-Length: " + body.length),
                            body);
                }),
                new Raw("NUL in the signature", CLIENT_ERROR, now -> {
                    String ts = Long.toString(now);
                    return raw("POST " + path + " HTTP/1.1", head(host, ts, good(ts, body) + "\u0000",
                            "Content-Length: " + body.length), body);
                }),
                new Raw("CR inside the signature", CLIENT_ERROR, now -> {
                    String ts = Long.toString(now);
                    String s = good(ts, body);
                    return raw("POST " + path + " HTTP/1.1", head(host, ts, s.substring(0, 10) + "\r" + s.substring(10),
                            "Content-Length: " + body.length), body);
                }),
                new Raw("signature folded over two lines", CLIENT_ERROR, now -> {
                    String ts = Long.toString(now);
                    String s = good(ts, body);
                    return raw("POST " + path + " HTTP/1.1",
                            head(host, ts, s.substring(0, 10) + "\r\n " + s.substring(10),
                                    "Content-Length: " + body.length),
                            body);
                }),
                new Raw("a header line without a colon", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: " + body.length, "X-Slack-Whatever"), body)),
                new Raw("space before the colon", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, null, "X-Slack-Signature : " + forged, "Content-Length: " + body.length),
                        body)),
                new Raw("space inside a header name", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, null, "X-Slack Signature: " + forged, "Content-Length: " + body.length), body)),
                new Raw("UTF-8 header name", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "X-Sl\u00e4ck: 1", "Content-Length: " + body.length), body)),
                new Raw("no Host", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(null, now, forged, "Content-Length: " + body.length), body)),
                new Raw("two Hosts", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Host: evil.example", "Content-Length: " + body.length), body)),
                new Raw("HTTP/1.0", Set.of(401), now -> raw("POST " + path + " HTTP/1.0",
                        head(host, now, forged, "Content-Length: " + body.length), body)),
                new Raw("no HTTP version", CLIENT_ERROR, now -> raw("POST " + path,
                        head(host, now, forged, "Content-Length: " + body.length), body)),
                new Raw("lowercase http/1.1", CLIENT_ERROR, now -> raw("POST " + path + " http/1.1",
                        head(host, now, forged, "Content-Length: " + body.length), body)),
                new Raw("two spaces in the request line", CLIENT_ERROR, now -> raw("POST  " + path + "  HTTP/1.1",
                        head(host, now, forged, "Content-Length: " + body.length), body)),
                new Raw("absolute URI", Set.of(401, 404), now -> raw("POST http://evil.example" + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: " + body.length), body)),
                new Raw("bare LF line ends", CLIENT_ERROR, now -> bytes(new String(raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Length: " + body.length), new byte[0]),
                        StandardCharsets.ISO_8859_1)
                        .replace("\r\n", "\n") + click)),
                new Raw("binary garbage", CLIENT_ERROR, now -> {
                    byte[] b = new byte[512];
                    new Random(512).nextBytes(b);
                    b[0] = 'X';
                    return b;
                }),
                new Raw("request line of 10 KB", CLIENT_ERROR,
                        now -> raw("POST " + path + "?" + "a".repeat(10_000) + " HTTP/1.1",
                                head(host, now, forged, "Content-Length: " + body.length), body)),
                new Raw("headers of 40 KB", CLIENT_ERROR, now -> {
                    List<String> many = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) {
                        many.add("X-Filler-" + i + ": " + "f".repeat(30));
                    }
                    many.add("Content-Length: " + body.length);
                    return raw("POST " + path + " HTTP/1.1", head(host, now, forged, many.toArray(String[]::new)),
                            body);
                }),
                new Raw("Expect 100-continue for 10 MB, body never sent", Set.of(413, 417),
                        now -> raw("POST " + path + " HTTP/1.1",
                                head(host, now, forged, "Expect: 100-continue", "Content-Length: 10485760"),
                                new byte[0])),
                new Raw("Expect 100-continue, small body", Set.of(401), now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Expect: 100-continue", "Content-Length: " + body.length), body)),
                new Raw("Expect something else", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Expect: 200-ok", "Content-Length: " + body.length), body)),
                new Raw("h2c upgrade with a body", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA",
                                "Content-Length: " + body.length),
                        body)),
                new Raw("WebSocket upgrade", CLIENT_ERROR, now -> raw("GET " + path + " HTTP/1.1",
                        head(host, now, forged, "Upgrade: websocket", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                                "Sec-WebSocket-Version: 13"),
                        new byte[0])),
                new Raw("Content-Encoding gzip, not gzipped", CLIENT_ERROR, now -> raw("POST " + path + " HTTP/1.1",
                        head(host, now, forged, "Content-Encoding: gzip", "Content-Length: " + body.length), body))));
        for (String variant : List.of(path + "/", path.replace("/slack/", "/slack//"), path + "?payload=x",
                path + "%00",
                path.toUpperCase(), path.replace("/slack/", "/slack/./"), path.replace("/slack/", "/slack/x/../"),
                path + ";jsessionid=1", path.replace("/interactions", "/%69nteractions"), path + "%2F", path + "/..",
                "/%2e%2e" + path, path + "#frag", "*")) {
            raws.add(new Raw("path " + variant, Set.of(400, 401, 404, 405), now -> raw("POST " + variant + " HTTP/1.1",
                    head(host, now, forged, "Content-Length: " + body.length), body)));
        }
        return Arbitraries.of(raws).map(r -> new Hostile("malformed HTTP", r.name(), r.expected(),
                now -> Wire.raw(r.bytes().apply(now))));
    }

    // ---- sending -----------------------------------------------------------------------------

    /** Sends one request as it is: through the JDK HttpClient, or byte for byte over a socket. */
    public Answer send(Wire wire) {
        if (wire.raw() != null) {
            return sendRaw(wire.raw(), wire.body());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.resolve(wire.path()))
                .timeout(Duration.ofSeconds(30));
        for (String[] header : wire.headers()) {
            request.header(header[0], header[1]);
        }
        byte[] body = wire.body();
        request.method(wire.method(), wire.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 431 || response.statusCode() == 414) {
                // Vert.x answers these from its HTTP decoder and then closes the connection, without saying
                // so (no Connection: close): a new client, so that the next request does not reuse it
                http = newClient();
            }
            String text = response.body() == null ? "" : response.body();
            return new Answer(response.statusCode(), text.length() > 200 ? text.substring(0, 200) + "…" : text);
        } catch (IOException e) {
            return new Answer(CLOSED, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private Answer sendRaw(byte[] bytes, byte[] streamed) {
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            int sent = 0;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
                out.flush();
                if (streamed != null) {
                    // give the service a moment to answer on the head alone, then send the body while it has not
                    long wait = System.nanoTime() + 500_000_000L;
                    while (in.available() == 0 && System.nanoTime() < wait) {
                        Thread.sleep(5);
                    }
                    while (sent < streamed.length && in.available() == 0) {
                        int n = Math.min(16 * 1024, streamed.length - sent);
                        out.write(streamed, sent, n);
                        out.flush();
                        sent += n;
                    }
                }
            } catch (IOException e) {
                // the server may refuse and close before it has read everything: its answer may still be there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            String note = streamed == null ? "" : " (after " + sent + " of " + streamed.length + " body bytes)";
            while (true) {
                String head = readHead(in);
                if (head == null || !head.startsWith("HTTP/")) {
                    return new Answer(CLOSED, (head == null ? "connection ended without an answer" : head) + note);
                }
                String[] parts = head.split(" ", 3);
                int status = Integer.parseInt(parts[1]);
                if (status >= 100 && status < 200) {
                    continue; // 100 Continue: the real answer follows
                }
                return new Answer(status, head.lines().findFirst().orElse("") + note);
            }
        } catch (IOException e) {
            return new Answer(CLOSED, e.toString());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            head.write(c);
            byte[] b = head.toByteArray();
            int n = b.length;
            if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
    }

    // ---- building blocks ---------------------------------------------------------------------

    /** Valid clicks on the real change by people on the list: never sent correctly signed inside the window. */
    private Arbitrary<String> realClicks() {
        return Combinators.combine(Arbitraries.of(APPROVE, DENY), Arbitraries.of("U0ALICE", "U0BOB"))
                .as((action, user) -> Clicks.form(realPayload(action, user).toString()));
    }

    private ObjectNode realPayload(String action, String user) {
        try {
            return (ObjectNode) JSON.readTree(Clicks.payload(action, changeId, user,
                    user.substring(2).toLowerCase(), responseUrl));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String unknownClick(String id) {
        return Clicks.form(Clicks.payload(DENY, id, "U0BOB", "bob", responseUrl));
    }

    private static ObjectNode user(ObjectNode p) {
        return (ObjectNode) p.get("user");
    }

    private static ArrayNode actions(ObjectNode p) {
        return (ArrayNode) p.get("actions");
    }

    private static ObjectNode action(ObjectNode p) {
        return (ObjectNode) p.get("actions").get(0);
    }

    private String good(String ts, byte[] body) {
        return SlackSignature.sign(secret, ts, body);
    }

    private Wire post(String body, String ts, String signature) {
        return new Wire("POST", endpoint.getPath(), List.of(h("Content-Type", FORM), h("X-Slack-Request-Timestamp", ts),
                h("X-Slack-Signature", signature)), bytes(body), false, null);
    }

    private Wire signedPost(String body, String ts) {
        return signedPost(bytes(body), ts, FORM);
    }

    private Wire signedPost(byte[] body, String ts, String contentType) {
        return new Wire("POST", endpoint.getPath(), List.of(h("Content-Type", contentType),
                h("X-Slack-Request-Timestamp", ts), h("X-Slack-Signature", good(ts, body))), body, false, null);
    }

    private static String[] h(String name, String value) {
        return new String[]{name, value};
    }

    private static List<String> head(String host, long now, String signature, String... more) {
        return head(host, Long.toString(now), signature, more);
    }

    private static List<String> head(String host, String timestamp, String signature, String... more) {
        List<String> lines = new ArrayList<>();
        if (host != null) {
            lines.add("Host: " + host);
        }
        lines.add("Connection: close");
        lines.add("Content-Type: " + FORM);
        lines.add("X-Slack-Request-Timestamp: " + timestamp);
        if (signature != null) {
            lines.add("X-Slack-Signature: " + signature);
        }
        lines.addAll(List.of(more));
        return lines;
    }

    /** Header text is written as UTF-8, so that non-ASCII arrives as the bytes a client would send. */
    private static byte[] raw(String requestLine, List<String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        for (String line : headers) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        return concat(head.toString().getBytes(StandardCharsets.UTF_8), body);
    }

    private static byte[] chunk(byte[] body) {
        return concat(bytes(Integer.toHexString(body.length) + "\r\n"), body, bytes("\r\n0\r\n\r\n"));
    }

    private static String arabicIndic(long n) {
        StringBuilder s = new StringBuilder();
        for (char c : Long.toString(n).toCharArray()) {
            s.append((char) ('\u0660' + (c - '0')));
        }
        return s.toString();
    }

    private static String fullWidth(long n) {
        StringBuilder s = new StringBuilder();
        for (char c : Long.toString(n).toCharArray()) {
            s.append((char) ('\uff10' + (c - '0')));
        }
        return s.toString();
    }

    private static Arbitrary<String> hex(int length) {
        return Arbitraries.strings().withChars("0123456789abcdef").ofLength(length);
    }

    /** A form-looking body of exactly {@code size} bytes. */
    static byte[] filler(int size) {
        byte[] b = new byte[size];
        byte[] start = bytes("payload=");
        java.util.Arrays.fill(b, (byte) 'A');
        System.arraycopy(start, 0, b, 0, Math.min(start.length, size));
        return b;
    }

    private static String mac(String algorithm, String key, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] replace(byte[] in, byte[] what, byte[] with) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        String w = new String(what, StandardCharsets.ISO_8859_1);
        if (!s.contains(w)) {
            throw new IllegalStateException("marker not found");
        }
        return s.replace(w, new String(with, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }
}
