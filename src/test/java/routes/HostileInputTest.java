package routes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.slack.SlackSignature;
import sgwarden.testing.Accounts;
import sgwarden.testing.Announced;
import sgwarden.testing.Clicks;
import sgwarden.testing.HostileRequests;
import sgwarden.testing.HostileRequests.Answer;
import sgwarden.testing.HostileRequests.Hostile;
import sgwarden.testing.InjectLake;
import sgwarden.testing.InjectMoto;
import sgwarden.testing.InjectSlack;
import sgwarden.testing.LakeStandIn;
import sgwarden.testing.Moto;
import sgwarden.testing.MovableClock;
import sgwarden.testing.Profiles;
import sgwarden.testing.SlackStandIn;
import sgwarden.testing.SlackStandInResource;

/**
 * The public endpoint refuses whatever the internet sends: forged, stale, garbled, oversized,
 * wrongly encoded and replayed requests, and headers of every wrong shape. None is accepted, none
 * gets a 5xx, and nothing changes in DynamoDB or EC2.
 *
 * <p>jqwik's {@code @Property} methods do not run inside the Quarkus extension, so its generators
 * are used programmatically from a seeded random: {@code -Dhostile.seed} replays another run,
 * {@code -Dhostile.requests} sets how many, {@code -Dhostile.verbose=true} prints each with its answer.
 */
@QuarkusTest
@TestProfile(Profiles.Lake.class)
class HostileInputTest {

    static final long SEED = Long.getLong("hostile.seed", 20_241_128L);
    static final int REQUESTS = Integer.getInteger("hostile.requests", 2_000);

    @InjectMoto
    Moto moto;
    @InjectSlack
    SlackStandIn slack;
    @InjectLake
    LakeStandIn lake;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    Accounts.Change openSsh() {
        return Announced.viaLake(moto, lake, slack, Accounts.openSsh(moto));
    }

    List<String> rulesNow(Accounts.Change change) {
        return Accounts.rulesNow(moto, change);
    }

    @Test
    void noGeneratedRequestIsAcceptedNoneGetsA5xxAndNothingChanges() {
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();
        // the announcement is written before Slack is told: wait until the item has settled
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, change.eventId())));
        Map<String, AttributeValue> itemBefore = Announced.item(moto, change.eventId());
        List<String> rulesBefore = rulesNow(change);
        assertFalse(itemBefore.containsKey("decision"));
        moto.startRecording();

        HostileRequests hostile = new HostileRequests(Clicks.url(), change.eventId(), responseUrl,
                SlackStandInResource.SIGNING_SECRET);
        // a repeated request tells nothing new (the sample repeats its edge cases often): each is sent once
        Map<String, Hostile> distinct = new LinkedHashMap<>();
        hostile.sample(SEED, REQUESTS).forEach(r -> distinct.putIfAbsent(r.toString(), r));
        List<Hostile> requests = List.copyOf(distinct.values());
        System.out.printf("hostile input: seed %d (-Dhostile.seed=%d to replay), %d requests, sample digest %08x%n",
                SEED, SEED, requests.size(), requests.stream().map(Hostile::toString).toList().hashCode());

        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Map<Integer, Integer>> byKind = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        long started = System.nanoTime();
        for (Hostile request : requests) {
            Answer answer = hostile.send(request.wire().apply(MovableClock.now().getEpochSecond()));
            statuses.merge(answer.status(), 1, Integer::sum);
            byKind.computeIfAbsent(request.kind(), k -> new TreeMap<>()).merge(answer.status(), 1, Integer::sum);
            // a 4xx; or, for the few framing errors that only the connection can answer, a dropped connection
            boolean clientError = answer.status() >= 400 && answer.status() < 500
                    || answer.status() == HostileRequests.CLOSED && request.expected().contains(HostileRequests.CLOSED);
            // a correctly signed request generated twice in one second is the same request: refused as a replay
            boolean replay = answer.status() == 409 && answer.text().startsWith("this request was already received");
            if (!clientError || !request.expected().contains(answer.status()) && !replay) {
                wrong.add(request + " -> " + answer.status() + " " + answer.text());
            }
            if (Boolean.getBoolean("hostile.verbose")) {
                System.out.println(
                        "  " + request + " -> " + answer.status() + " " + answer.text().lines().findFirst().orElse(""));
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.printf("hostile input: %d requests (%d distinct) in %d ms; statuses %s%n", requests.size(),
                requests.stream().map(Hostile::toString).distinct().count(), millis, statuses);
        byKind.forEach((kind, counts) -> System.out.printf("  %-28s %s%n", kind, counts));
        wrong.stream().distinct().limit(60).forEach(w -> System.out.println("  UNEXPECTED " + w));
        assertTrue(wrong.isEmpty(), wrong.size() + " requests got an unexpected answer, first: "
                + wrong.stream().limit(5).toList());
        assertTrue(requests.size() >= 500, "distinct requests: " + requests.size());
        assertEquals(12, byKind.size(), "every family was generated: " + byKind.keySet());

        // nothing changed: any decision would have been written, and any revert started, by now
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, change.eventId())));
        // counted before rulesNow, which assumes a role in the member account itself
        assertEquals(0, moto.recordedCalls("AssumeRole"), "no role assumed into any account");
        assertEquals(0, moto.recordedCalls("RevokeSecurityGroupIngress"));
        assertEquals(0, moto.recordedCalls("RevokeSecurityGroupEgress"));
        Map<String, AttributeValue> itemAfter = Announced.item(moto, change.eventId());
        assertEquals(itemBefore, itemAfter, "the DynamoDB item is unchanged");
        assertEquals("PENDING", itemAfter.get("status").s());
        assertFalse(itemAfter.containsKey("decision"), "no decision recorded");
        assertEquals(rulesBefore, rulesNow(change), "the group's rules are unchanged");
        assertTrue(slack.responses(responseUrl).isEmpty(), "nobody was answered on the response_url");
        assertEquals(200, get("/healthz"));
    }

    @Test
    void aBodyBeyondTheLimitIsRefusedBeforeItIsReadWhole() throws Exception {
        long now = MovableClock.now().getEpochSecond();
        long tenMegabytes = 10L * 1024 * 1024;
        AtomicLong handedOver = new AtomicLong();

        // chunked (no Content-Length): the service cannot know the size until it has read past the limit
        HttpRequest request = HttpRequest.newBuilder(URI.create(Clicks.url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", Long.toString(now))
                .header("X-Slack-Signature", "v0=" + "3".repeat(64))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Filler(tenMegabytes, handedOver)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        System.out.printf("10 MB chunked body: HTTP %d after %d bytes were handed over%n", response.statusCode(),
                handedOver.get());
        assertEquals(413, response.statusCode(), response.body());

        // the same over a socket that never finishes its body: the answer comes while it is still unread
        try (Socket socket = new Socket(URI.create(Clicks.url()).getHost(), URI.create(Clicks.url()).getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + URI.create(Clicks.url()).getPath() + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
                    + "X-Slack-Request-Timestamp: " + now + "\r\nX-Slack-Signature: v0=" + "4".repeat(64) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[16 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'A');
            for (int i = 0; i < 8; i++) { // 128 KB of an endless body: twice the limit, no last chunk
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", statusLine, "answered 413 with the body still open");
        }

        assertEquals(200, get("/healthz"));
    }

    @Test
    void aReplayedSignedDenyWithinTheWindowIsRefusedAndChangesNothing() {
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();
        Signed deny = signedDeny(change, responseUrl);
        String body = deny.body();
        long timestamp = deny.timestamp();
        String signature = deny.signature();
        moto.startRecording();

        Clicks.send(body, timestamp, signature).expect(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        for (int i = 0; i < 5; i++) {
            Clicks.send(body, timestamp, signature).expect(409).saying("already received");
        }
        // the seen signature is in the table every replica shares, kept just past the window, so a
        // replica that never saw the request refuses it as well
        Map<String, AttributeValue> seen = Announced.item(moto, "seen#" + signature);
        assertEquals(timestamp + 360, Long.parseLong(seen.get("expiresAt").n()), seen.toString());

        // a replay must not use up the response_url (Slack allows 5 uses): only the outcome went there
        Clicks.click(HostileRequests.DENY, change.eventId(), "U0ALICE", "alice", responseUrl).expect(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.responses(responseUrl).size() >= 2);
        List<SlackStandIn.Received> replies = slack.responses(responseUrl);
        assertEquals(2, replies.size(), replies.toString());
        assertEquals(1, replies.stream().filter(r -> r.text().contains("already denied by @bob")).count(),
                replies.toString());
        assertEquals(1, moto.recordedCalls("RevokeSecurityGroupIngress"));
        assertEquals(1, moto.recordedCalls("AssumeRole"), "counted before rulesNow, which assumes a role itself");
        assertFalse(rulesNow(change).contains(change.rules().get(0).securityGroupRuleId()));
        assertEquals(2, Announced.item(moto, change.eventId()).get("history").l().size(),
                "the decision and its outcome, nothing from the replays");
    }

    @Test
    void aReplaySentWhileTheFirstIsStillHandledIsRefused() throws Exception {
        // a member who captured a request (a proxy, a browser extension) races it against Slack's own
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();
        Signed deny = signedDeny(change, responseUrl);
        String body = deny.body();
        long timestamp = deny.timestamp();
        String signature = deny.signature();
        moto.startRecording();

        int copies = 8;
        CountDownLatch ready = new CountDownLatch(copies);
        List<CompletableFuture<Clicks.Reply>> sent = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(copies);
        try {
            for (int i = 0; i < copies; i++) {
                sent.add(CompletableFuture.supplyAsync(() -> {
                    ready.countDown();
                    try {
                        ready.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Clicks.send(body, timestamp, signature);
                }, pool));
            }
            List<Integer> statuses = sent.stream().map(f -> f.join().status()).sorted().toList();
            List<Integer> expected = new ArrayList<>(List.of(200));
            expected.addAll(Collections.nCopies(copies - 1, 409));
            assertEquals(expected, statuses);
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.responses(responseUrl).isEmpty());
        assertEquals(1, slack.responses(responseUrl).size(), slack.responses(responseUrl).toString());
        assertEquals(1, moto.recordedCalls("RevokeSecurityGroupIngress"));
        assertEquals(2, Announced.item(moto, change.eventId()).get("history").l().size());
    }

    @Test
    void aCorrectlySignedTimestampThatOverflowsTheWindowCheckIsRefused() {
        // now - (Long.MIN_VALUE + now) overflows to Long.MIN_VALUE, and Math.abs(Long.MIN_VALUE) is negative
        String body = Clicks.form(Clicks.payload(HostileRequests.DENY, "overflow-probe", "U0BOB", "bob",
                slack.newResponseUrl()));
        long now = MovableClock.now().getEpochSecond();
        for (long second = now - 1; second <= now + 2; second++) {
            long timestamp = Long.MIN_VALUE + second;
            Clicks.Reply reply = sendWithTimestamp(body, Long.toString(timestamp));
            assertEquals(401, reply.status(), "timestamp " + timestamp + ": " + reply.body());
        }
    }

    private Clicks.Reply sendWithTimestamp(String body, String timestamp) {
        String signature = SlackSignature.sign(SlackStandInResource.SIGNING_SECRET, timestamp,
                body.getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(Clicks.url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Clicks.Reply(response.statusCode(), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int get(String path) {
        String base = ConfigProvider.getConfig().getValue("test.url", String.class);
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An endless-looking body of 'A's, counting what the client has taken from it. */
    static final class Filler extends InputStream {
        private long left;
        private final AtomicLong taken;

        Filler(long size, AtomicLong taken) {
            this.left = size;
            this.taken = taken;
        }

        @Override
        public int read() {
            if (left <= 0) {
                return -1;
            }
            left--;
            taken.incrementAndGet();
            return 'A';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 'A');
            left -= n;
            taken.addAndGet(n);
            return n;
        }
    }

    /** One request exactly as Slack signs it: what a member who captured it can send again. */
    record Signed(String body, long timestamp, String signature) {
    }

    static Signed signedDeny(Accounts.Change change, String responseUrl) {
        String body = Clicks.form(Clicks.payload(HostileRequests.DENY, change.eventId(), "U0BOB", "bob", responseUrl));
        long timestamp = MovableClock.now().getEpochSecond();
        return new Signed(body, timestamp, SlackSignature.sign(SlackStandInResource.SIGNING_SECRET,
                Long.toString(timestamp), body.getBytes(StandardCharsets.UTF_8)));
    }
}
