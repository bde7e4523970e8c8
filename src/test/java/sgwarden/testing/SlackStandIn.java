package sgwarden.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for Slack: an incoming webhook (/services/...), the Web API's auth.test and
 * chat.postMessage (/api/...), and response_url (/response/...). It records what it received and
 * can be told to answer the next requests with 429 + Retry-After or 500, as Slack does.
 *
 * <p>It refuses what Slack refuses, the way Slack does: more than 50 blocks or a section text over
 * 3,000 characters is invalid_blocks; the Web API wants the bot token ({@link #BOT_TOKEN}, else
 * not_authed or invalid_auth) and a channel the bot is in ({@link #CHANNEL}, else not_in_channel or
 * channel_not_found), and says so with HTTP 200 and {"ok": false, "error": ...}; a webhook or a
 * response_url says it with a 4xx and the error as plain text; a response_url takes at most five
 * posts within 30 minutes.
 *
 * <p>It can enforce Slack's rate limit per channel (1 per second with a short burst, beyond it 429
 * with Retry-After in whole seconds), and it can stall posts before accepting them, as a Slack that
 * is slow to take a message does.
 */
public final class SlackStandIn {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String BOT_TOKEN = "xoxb-sgwarden-test-token";
    /** The channel the bot has been added to. */
    public static final String CHANNEL = "C0SECURITY";
    /** A channel that exists but the bot is not in. */
    public static final String OTHER_CHANNEL = "C0ELSEWHERE";
    static final int MAX_BLOCKS = 50;
    static final int MAX_SECTION_TEXT = 3000;
    static final int RESPONSE_URL_USES = 5;
    static final Duration RESPONSE_URL_LIFETIME = Duration.ofMinutes(30);

    /** A request Slack accepted (or refused), as received. */
    public record Received(String path, JsonNode json, Instant at, int answered, String error) {
        Received(String path, JsonNode json, Instant at, int answered) {
            this(path, json, at, answered, null);
        }

        public String text() {
            return json.path("text").asText();
        }

        public String allText() {
            return json.toString();
        }
    }

    private record Scripted(int status, Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Scripted> script = new ConcurrentLinkedDeque<>();
    private final Deque<Scripted> responseScript = new ConcurrentLinkedDeque<>();
    private final Map<String, List<Instant>> responseUrlUses = new ConcurrentHashMap<>();
    private volatile boolean tokenRevoked;
    private volatile boolean botInChannel = true;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>();
    /** chat.postMessage posts by the ts they were given, so chat.update can find them. */
    private final Map<String, Received> posted = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong lastTs = new java.util.concurrent.atomic.AtomicLong();
    private volatile double ratePerSecond;
    private volatile int burst;
    private volatile java.util.concurrent.CountDownLatch stall;
    private final List<Received> stalled = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger acceptAfterStall = new java.util.concurrent.atomic.AtomicInteger();

    public SlackStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String webhookUrl() {
        return baseUrl() + "/services/T0SGWARDEN/B0SGWARDEN/standinsecretwebhookpath";
    }

    public String responseUrlPrefix() {
        return baseUrl() + "/response/";
    }

    public String newResponseUrl() {
        return responseUrlPrefix() + java.util.UUID.randomUUID();
    }

    public void stop() {
        server.stop(0);
    }

    public void reset() {
        received.clear();
        posted.clear();
        script.clear();
        responseScript.clear();
        responseUrlUses.clear();
        tokenRevoked = false;
        botInChannel = true;
        buckets.clear();
        ratePerSecond = 0;
        stalled.clear();
        java.util.concurrent.CountDownLatch s = stall;
        stall = null;
        if (s != null) {
            s.countDown();
        }
    }

    /**
     * Enforces Slack's limit on posts (webhook and chat.postMessage) per channel from now on: a token
     * bucket holding `burst` posts, refilled at `perSecond`. A post beyond it is refused with 429 and
     * Retry-After, and is not recorded as accepted.
     */
    public void enforceRateLimit(double perSecond, int burst) {
        buckets.clear();
        this.burst = burst;
        this.ratePerSecond = perSecond;
    }

    /** Posts answered 429. */
    public long refusals() {
        return attempts().stream().filter(r -> r.answered() == 429).count();
    }

    /** From now on every post is held, its request read but not answered, until {@link #release}. */
    public void stallPosts() {
        stall = new java.util.concurrent.CountDownLatch(1);
    }

    /** Posts held by a stall, as they were received. */
    public List<Received> stalled() {
        return List.copyOf(stalled);
    }

    /**
     * Ends the stall. The first `accepted` held posts count as accepted (Slack took them at the last
     * moment); the others were never taken. Posts from now on are answered at once.
     */
    public void release(int accepted) {
        acceptAfterStall.set(accepted);
        java.util.concurrent.CountDownLatch s = stall;
        stall = null;
        if (s != null) {
            s.countDown();
        }
    }

    /** From now on the bot token is refused (invalid_auth), as after it was revoked; false restores it. */
    public void revokeToken(boolean revoked) {
        this.tokenRevoked = revoked;
    }

    /** Takes the bot out of {@link #CHANNEL} (not_in_channel) or puts it back. */
    public void botInChannel(boolean in) {
        this.botInChannel = in;
    }

    /** The next n posts fail with this status (500: rollup_error, as Slack's webhooks say). */
    public void failNext(int n, int status) {
        for (int i = 0; i < n; i++) {
            script.add(new Scripted(status, Map.of(), status == 500 ? "rollup_error" : "error"));
        }
    }

    /** The next n message updates through any response_url fail with this status. */
    public void failNextResponses(int n, int status) {
        for (int i = 0; i < n; i++) {
            responseScript.add(new Scripted(status, Map.of(), "error"));
        }
    }

    public void rateLimitNext(int retryAfterSeconds) {
        script.add(new Scripted(429, Map.of("Retry-After", Integer.toString(retryAfterSeconds)), "rate_limited"));
    }

    /** Announcements accepted: webhook posts and chat.postMessage calls that Slack took. */
    public List<Received> messages() {
        return received.stream().filter(r -> r.answered() / 100 == 2 && r.error() == null)
                .filter(r -> r.path().startsWith("/services/") || r.path().equals("/api/chat.postMessage")).toList();
    }

    /** Posts refused with this Slack error (invalid_blocks, invalid_auth, not_in_channel, used_url, ...). */
    public List<Received> refused(String error) {
        return received.stream().filter(r -> error.equals(r.error())).toList();
    }

    public List<Received> attempts() {
        return received.stream()
                .filter(r -> r.path().startsWith("/services/") || r.path().equals("/api/chat.postMessage")).toList();
    }

    /** Posts to one response_url, in order. */
    public List<Received> responses(String responseUrl) {
        String path = responseUrl.substring(baseUrl().length());
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** chat.update calls Slack took, in order. */
    public List<Received> updates() {
        return received.stream().filter(r -> r.answered() == 200 && r.error() == null)
                .filter(r -> r.path().equals("/api/chat.update")).toList();
    }

    /** The ts chat.postMessage answered for this accepted post (Slack's "seconds.micros", unique per channel). */
    public String tsOf(Received message) {
        return posted.entrySet().stream().filter(e -> e.getValue() == message).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    /** The latest chat.update of the message with this ts, once it says this (within 20 s). */
    public Received updateOf(String ts, String saying) {
        org.awaitility.Awaitility.await("chat.update of " + ts + " saying " + saying)
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> lastUpdate(ts) != null && lastUpdate(ts).allText().contains(saying));
        return lastUpdate(ts);
    }

    /** The latest chat.update of the message with this ts, or null. */
    public Received lastUpdate(String ts) {
        List<Received> mine = updates().stream().filter(u -> ts.equals(u.json().path("ts").asText())).toList();
        return mine.isEmpty() ? null : mine.get(mine.size() - 1);
    }

    /** The message with this ts deleted in Slack (by a person, say): chat.update on it is message_not_found. */
    public void delete(String ts) {
        posted.remove(ts);
    }

    /** Replies posted in the thread of the message with this ts. */
    public List<Received> replies(String ts) {
        return messages().stream().filter(m -> ts.equals(m.json().path("thread_ts").asText(null))).toList();
    }

    private synchronized String nextTs() {
        long micros = java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        long unique = Math.max(micros, lastTs.get() + 1);
        lastTs.set(unique);
        return String.format(java.util.Locale.ROOT, "%d.%06d", unique / 1_000_000, unique % 1_000_000);
    }

    public List<Received> messagesMentioning(String text) {
        return messages().stream().filter(m -> m.allText().contains(text)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            answer(exchange, 405, Map.of(), "method_not_allowed");
            return;
        }
        boolean api = path.startsWith("/api/");
        if (api) {
            String authError = authError(exchange, body);
            if (authError != null) {
                received.add(new Received(path, JSON.createObjectNode(), Instant.now(), 200, authError));
                apiError(exchange, authError);
                return;
            }
        }
        if (path.equals("/api/auth.test")) {
            answer(exchange, 200, Map.of("Content-Type", "application/json"),
                    "{\"ok\":true,\"team_id\":\"T0SGWARDEN\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\"}");
            return;
        }
        JsonNode json;
        try {
            json = parse(exchange.getRequestHeaders().getFirst("Content-Type"), body);
        } catch (Exception e) {
            received.add(
                    new Received(path, JSON.createObjectNode().put("raw", new String(body, StandardCharsets.UTF_8)),
                            Instant.now(), 400, "invalid_payload"));
            answer(exchange, 400, Map.of(), "invalid_payload");
            return;
        }
        boolean scriptable = path.startsWith("/services/") || path.equals("/api/chat.postMessage");
        java.util.concurrent.CountDownLatch held = scriptable ? stall : null;
        if (held != null) {
            Received r = new Received(path, json, Instant.now(), 0);
            stalled.add(r);
            try {
                held.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (acceptAfterStall.getAndDecrement() > 0) {
                Received accepted = new Received(path, json, Instant.now(), 200);
                received.add(accepted);
                if (api) {
                    // taken at the last moment, as any post: it has its ts, and chat.update finds it
                    String ts = nextTs();
                    posted.put(ts, accepted);
                    answerQuietly(exchange, 200, "{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"" + ts + "\"}");
                } else {
                    answerQuietly(exchange, 200, "ok");
                }
            } else {
                received.add(new Received(path, json, Instant.now(), 0));
                exchange.close();
            }
            return;
        }
        Scripted next = scriptable ? script.poll() : path.startsWith("/response/") ? responseScript.poll() : null;
        if (next == null && scriptable && ratePerSecond > 0) {
            long waitMillis = takeToken(path.equals("/api/chat.postMessage") ? json.path("channel").asText() : path);
            if (waitMillis > 0) {
                next = new Scripted(429, Map.of("Retry-After", Long.toString(Math.max(1, (waitMillis + 999) / 1000))),
                        "rate_limited");
            }
        }
        if (next != null) {
            received.add(new Received(path, json, Instant.now(), next.status()));
            answer(exchange, next.status(), next.headers(), next.body());
            return;
        }
        String error = path.startsWith("/response/") ? responseUrlError(path) : null;
        if (path.startsWith("/services/") && !baseUrl().concat(path).equals(webhookUrl())) {
            error = "no_service";
        }
        if (error == null) {
            error = blocksError(json);
        }
        if (error == null && path.equals("/api/chat.postMessage")) {
            error = channelError(json.path("channel").asText(""));
        }
        if (error == null && path.equals("/api/chat.update")) {
            // chat.update takes the channel ID chat.postMessage answered with, and the ts of a message in it
            error = !CHANNEL.equals(json.path("channel").asText("")) ? "channel_not_found"
                    : !posted.containsKey(json.path("ts").asText("")) ? "message_not_found" : null;
        }
        if (error != null) {
            if (api) {
                received.add(new Received(path, json, Instant.now(), 200, error));
                apiError(exchange, error);
            } else {
                int status = error.equals("used_url") || error.equals("no_service") ? 404 : 400;
                received.add(new Received(path, json, Instant.now(), status, error));
                answer(exchange, status, Map.of("Content-Type", "text/plain"), error);
            }
            return;
        }
        Received accepted = new Received(path, json, Instant.now(), 200);
        received.add(accepted);
        if (path.equals("/api/chat.postMessage")) {
            String ts = nextTs();
            posted.put(ts, accepted);
            answer(exchange, 200, Map.of("Content-Type", "application/json"),
                    "{\"ok\":true,\"channel\":\"" + CHANNEL + "\",\"ts\":\"" + ts + "\"}");
        } else if (path.equals("/api/chat.update")) {
            answer(exchange, 200, Map.of("Content-Type", "application/json"), "{\"ok\":true,\"channel\":\"" + CHANNEL
                    + "\",\"ts\":\"" + json.path("ts").asText() + "\",\"text\":" + JSON.writeValueAsString(
                            json.path("text").asText(""))
                    + "}");
        } else {
            answer(exchange, 200, Map.of("Content-Type", "text/plain"), "ok");
        }
    }

    /** The Web API takes the token as a Bearer header or a token field. */
    private String authError(HttpExchange exchange, byte[] body) {
        String token = null;
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            token = header.substring(7).trim();
        } else {
            for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
                if (pair.startsWith("token=")) {
                    token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                }
            }
        }
        if (token == null || token.isEmpty()) {
            return "not_authed";
        }
        return tokenRevoked || !token.equals(BOT_TOKEN) ? "invalid_auth" : null;
    }

    private String channelError(String channel) {
        if (channel.equals(CHANNEL) || channel.equals("#security-changes")) {
            return botInChannel ? null : "not_in_channel";
        }
        return channel.equals(OTHER_CHANNEL) ? "not_in_channel" : "channel_not_found";
    }

    /** At most five uses within 30 minutes of the first. */
    private String responseUrlError(String path) {
        List<Instant> uses = responseUrlUses.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
        synchronized (uses) {
            Instant now = Instant.now();
            if (uses.size() >= RESPONSE_URL_USES || (!uses.isEmpty()
                    && now.isAfter(uses.get(0).plus(RESPONSE_URL_LIFETIME)))) {
                return "used_url";
            }
            uses.add(now);
            return null;
        }
    }

    static String blocksError(JsonNode message) {
        JsonNode blocks = message.path("blocks");
        if (!blocks.isArray()) {
            return null;
        }
        if (blocks.size() > MAX_BLOCKS) {
            return "invalid_blocks";
        }
        for (JsonNode block : blocks) {
            if ("section".equals(block.path("type").asText())
                    && block.path("text").path("text").asText("").length() > MAX_SECTION_TEXT) {
                return "invalid_blocks";
            }
        }
        return null;
    }

    /** Takes a token from the channel's bucket; 0 if there was one, else how long until there is. */
    private long takeToken(String channel) {
        double[] bucket = buckets.computeIfAbsent(channel, c -> new double[]{burst, System.nanoTime()});
        synchronized (bucket) {
            long now = System.nanoTime();
            bucket[0] = Math.min(burst, bucket[0] + (now - bucket[1]) / 1e9 * ratePerSecond);
            bucket[1] = now;
            if (bucket[0] >= 1) {
                bucket[0] -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - bucket[0]) / ratePerSecond * 1000);
        }
    }

    private static void answerQuietly(HttpExchange exchange, int status, String body) {
        try {
            answer(exchange, status, Map.of("Content-Type", "text/plain"), body);
        } catch (IOException e) {
            // the caller is gone (killed while the post was held): Slack would not know either
        }
    }

    private static void apiError(HttpExchange exchange, String error) throws IOException {
        answer(exchange, 200, Map.of("Content-Type", "application/json"),
                "{\"ok\":false,\"error\":\"" + error + "\"}");
    }

    /** Webhooks and response_url take JSON; chat.postMessage a form whose blocks field is JSON. */
    private static JsonNode parse(String contentType, byte[] body) throws IOException {
        String text = new String(body, StandardCharsets.UTF_8);
        if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (String pair : text.split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.put(key, key.equals("blocks") || key.equals("attachments") ? JSON.readTree(value) : value);
            }
            return JSON.valueToTree(fields);
        }
        return JSON.readTree(text);
    }

    private static void answer(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

}
