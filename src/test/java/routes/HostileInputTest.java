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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    void aBodyThatCannotBeSizedOrIsTooLargeIsRefusedBeforeItIsRead() throws Exception {
        long now = MovableClock.now().getEpochSecond();
        long tenMegabytes = 10L * 1024 * 1024;

        // chunked (no Content-Length): its size is unknown until it is read, so it is not read at all. Only the
        // headers go out, the body never starts: the answer comes while the body is still to come. (Writing a
        // chunk as well would race the service's close of the connection, a broken pipe on a busy machine.)
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(now, "v0=" + "4".repeat(64), FORM_TYPE, "Transfer-Encoding: chunked"));
            out.flush();
            assertEquals(new RawAnswer(411, "Content-Length required", true), RawAnswer.read(socket));
        }

        // 10 MB announced, nothing sent: refused on the Content-Length alone
        try (Socket socket = socket()) {
            socket.getOutputStream()
                    .write(head(now, "v0=" + "5".repeat(64), FORM_TYPE, "Content-Length: " + tenMegabytes));
            assertEquals(new RawAnswer(413, "request body larger than 65536 bytes", true), RawAnswer.read(socket));
        }

        assertEquals(200, get("/healthz"));
    }

    /**
     * A correctly signed Deny of a real change, as a member who captured one would resend it, with one
     * thing in its headers Slack never sends. Only the headers go out: each is answered without its body,
     * its connection closed, and the change stays as it was.
     */
    @Test
    void whatTheHeadersAloneRefuseIsRefusedBeforeAnyBodyAndChangesNothing() throws Exception {
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();
        await().atMost(Duration.ofSeconds(10)).until(() -> "PENDING".equals(Announced.status(moto, change.eventId())));
        Map<String, AttributeValue> itemBefore = Announced.item(moto, change.eventId());
        List<String> rulesBefore = rulesNow(change);
        moto.startRecording();

        String body = Clicks.form(Clicks.payload(HostileRequests.DENY, change.eventId(), "U0BOB", "bob", responseUrl));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String length = "Content-Length: " + bytes.length;
        long now = MovableClock.now().getEpochSecond();
        String stale = Long.toString(now - 301);
        String ahead = Long.toString(now + 400);
        String nowTs = Long.toString(now);
        String good = SlackSignature.sign(SlackStandInResource.SIGNING_SECRET, nowTs, bytes);
        List<HeadCase> cases = new ArrayList<>();
        cases.add(new HeadCase("401 missing X-Slack-Request-Timestamp or X-Slack-Signature",
                List.of(FORM_TYPE, length, "X-Slack-Signature: " + good)));
        cases.add(new HeadCase("401 missing X-Slack-Request-Timestamp or X-Slack-Signature",
                List.of(FORM_TYPE, length, "X-Slack-Request-Timestamp: " + nowTs)));
        cases.add(new HeadCase("401 request timestamp is outside the 5-minute window", List.of(FORM_TYPE, length,
                "X-Slack-Request-Timestamp: " + stale, "X-Slack-Signature: " + sign(stale, bytes))));
        cases.add(
                new HeadCase("401 request timestamp is outside the 5-minute window (ahead)", List.of(FORM_TYPE, length,
                        "X-Slack-Request-Timestamp: " + ahead, "X-Slack-Signature: " + sign(ahead, bytes))));
        cases.add(new HeadCase("401 X-Slack-Request-Timestamp or X-Slack-Signature sent more than once",
                List.of(FORM_TYPE, length,
                        "X-Slack-Request-Timestamp: " + nowTs, "X-Slack-Signature: " + good,
                        "X-Slack-Signature: " + good)));
        cases.add(new HeadCase("415 Content-Type must be application/x-www-form-urlencoded",
                List.of("Content-Type: application/json",
                        length, "X-Slack-Request-Timestamp: " + nowTs, "X-Slack-Signature: " + good)));
        cases.add(new HeadCase("415 Content-Type must be application/x-www-form-urlencoded (none)",
                List.of(length, "X-Slack-Request-Timestamp: " + nowTs, "X-Slack-Signature: " + good)));
        cases.add(new HeadCase("415 Content-Type must be application/x-www-form-urlencoded (twice)",
                List.of(FORM_TYPE, FORM_TYPE,
                        length, "X-Slack-Request-Timestamp: " + nowTs, "X-Slack-Signature: " + good)));
        cases.add(new HeadCase("411 Content-Length required", List.of(FORM_TYPE, "Transfer-Encoding: chunked",
                "X-Slack-Request-Timestamp: " + nowTs, "X-Slack-Signature: " + good)));
        cases.add(new HeadCase("411 Content-Length required (none)",
                List.of(FORM_TYPE, "X-Slack-Request-Timestamp: " + nowTs, "X-Slack-Signature: " + good)));
        cases.add(new HeadCase("413 request body larger than 65536 bytes", List.of(FORM_TYPE, "Content-Length: 65537",
                "X-Slack-Request-Timestamp: " + nowTs, "X-Slack-Signature: " + good)));
        // a stale request asking to be told to go on: told no, never to send its body
        cases.add(new HeadCase("401 request timestamp is outside the 5-minute window (expecting 100-continue)",
                List.of(FORM_TYPE,
                        length, "Expect: 100-continue", "X-Slack-Request-Timestamp: " + stale,
                        "X-Slack-Signature: " + sign(stale, bytes))));
        cases.add(
                new HeadCase("417 only Expect: 100-continue is supported", List.of(FORM_TYPE, length, "Expect: 200-ok",
                        "X-Slack-Request-Timestamp: " + nowTs, "X-Slack-Signature: " + good)));

        for (HeadCase c : cases) {
            int status = Integer.parseInt(c.name().substring(0, 3));
            String text = c.name().substring(4).replaceAll(" \\(.*\\)$", "");
            try (Socket socket = socket()) {
                socket.getOutputStream().write(head(c.headers().toArray(String[]::new)));
                assertEquals(new RawAnswer(status, text, true), RawAnswer.read(socket), c.name());
            }
        }

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> "PENDING".equals(Announced.status(moto, change.eventId())));
        assertEquals(0, moto.recordedCalls("AssumeRole"), "no role assumed into any account");
        assertEquals(0, moto.recordedCalls("RevokeSecurityGroupIngress"));
        assertEquals(itemBefore, Announced.item(moto, change.eventId()), "the DynamoDB item is unchanged");
        assertFalse(Announced.item(moto, "seen#" + good).containsKey("expiresAt"), "the signature was never seen");
        assertEquals(rulesBefore, rulesNow(change), "the group's rules are unchanged");
        assertTrue(slack.responses(responseUrl).isEmpty(), "nobody was answered on the response_url");
    }

    @Test
    void expectContinueIsAnsweredOnlyOnceTheHeadersPassed() throws Exception {
        long now = MovableClock.now().getEpochSecond();
        byte[] body = Clicks.form(Clicks.payload(HostileRequests.DENY, "continue-probe", "U0BOB", "bob",
                slack.newResponseUrl())).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(now, "v0=" + "6".repeat(64), FORM_TYPE, "Content-Length: " + body.length,
                    "Expect: 100-continue"));
            out.flush();
            assertEquals(new RawAnswer(100, "", false), RawAnswer.read(socket));
            out.write(body);
            out.flush();
            // the body was read and the route checked the signature over it
            assertEquals(401, RawAnswer.read(socket).status());
        }
    }

    /**
     * HTTP/2 in clear text would carry bodies without a Content-Length and many requests on one
     * connection: the service speaks HTTP/1.1 only, to an upgrade and to HTTP/2's opening bytes alike.
     */
    @Test
    void http2InClearTextIsNotSpoken() throws Exception {
        try (Socket socket = socket()) {
            socket.getOutputStream()
                    .write(("GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                            + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200", new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII),
                    "answered in HTTP/1.1, not switched");
        }
        try (Socket socket = socket()) {
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] first = socket.getInputStream().readNBytes(12);
            String text = new String(first, StandardCharsets.US_ASCII);
            // HTTP/2 would answer with a binary SETTINGS frame; the HTTP/1.1 decoder refuses the request line
            // (in a status line that echoes its version) or hangs up
            assertTrue(first.length == 0 || text.matches("HTTP/[0-9.]+ 4[0-9][0-9]"), "not HTTP/2: " + text);
        }
    }

    /**
     * A connection that sent its headers and then a byte now and then (never idle, so no idle timeout
     * closes it) is answered 408 and closed once sgwarden.slack.body-deadline has passed.
     */
    @Test
    void aTricklingBodyIsCutOffAtTheDeadline() throws Exception {
        long now = MovableClock.now().getEpochSecond();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(head(now, "v0=" + "7".repeat(64), FORM_TYPE, "Content-Length: 2000"));
            out.write("payload=".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            AtomicLong sent = new AtomicLong();
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write('A');
                    out.flush();
                    sent.incrementAndGet();
                } catch (Exception closed) {
                    throw new IllegalStateException("closed", closed);
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
            // the read waits for the answer (at most the socket's 20 s timeout)
            RawAnswer answer = RawAnswer.read(socket);
            System.out.printf("trickled %d bytes before the answer%n", sent.get());
            assertEquals(new RawAnswer(408, "the request body did not arrive within 2000 ms of its headers", true),
                    answer);
        } finally {
            trickle.shutdownNow();
        }
        assertEquals(200, get("/healthz"));
    }

    /**
     * More connections trickling bodies than there are worker threads (200) do not keep a signed click
     * from its answer: the bodies are read on the event loop, and no thread waits for them.
     */
    @Test
    void aSignedClickIsAnsweredWhileSlowConnectionsAreOpen() throws Exception {
        Accounts.Change change = openSsh();
        String responseUrl = slack.newResponseUrl();
        long now = MovableClock.now().getEpochSecond();
        int slow = 250;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < slow; i++) {
                Socket socket = socket();
                sockets.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write(head(now, "v0=" + "8".repeat(64), FORM_TYPE, "Content-Length: 4000"));
                out.write("payload=%7B".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }

            Clicks.click(HostileRequests.DENY, change.eventId(), "U0BOB", "bob", responseUrl).expect(200);
            long stillOpen = sockets.stream().filter(HostileInputTest::unanswered).count();
            System.out.printf("signed click answered with %d of %d slow connections still unanswered%n", stillOpen,
                    slow);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "REVERTED".equals(Announced.status(moto, change.eventId())));

            // and each slow one was cut off in the end (each read waits for its answer)
            assertEquals(List.of(408), sockets.stream().map(s -> RawAnswer.read(s).status()).distinct().toList());
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    static final String FORM_TYPE = "Content-Type: application/x-www-form-urlencoded";

    /** "status answer text (what differs)" and the header lines sent. */
    record HeadCase(String name, List<String> headers) {
    }

    static Socket socket() throws java.io.IOException {
        URI url = URI.create(Clicks.url());
        Socket socket = new Socket(url.getHost(), url.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** A POST head to the Slack path with these header lines. */
    static byte[] head(String... lines) {
        StringBuilder head = new StringBuilder("POST " + URI.create(Clicks.url()).getPath() + " HTTP/1.1\r\n")
                .append("Host: localhost\r\n");
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A POST head with a timestamp and a signature, and these other header lines. */
    static byte[] head(long timestamp, String signature, String... more) {
        List<String> lines = new ArrayList<>(List.of("X-Slack-Request-Timestamp: " + timestamp,
                "X-Slack-Signature: " + signature));
        lines.addAll(List.of(more));
        return head(lines.toArray(String[]::new));
    }

    static String sign(String timestamp, byte[] body) {
        return SlackSignature.sign(SlackStandInResource.SIGNING_SECRET, timestamp, body);
    }

    /** Nothing from the service yet on this socket (no byte waiting, not closed). */
    static boolean unanswered(Socket socket) {
        try {
            return socket.getInputStream().available() == 0 && !socket.isInputShutdown();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** One answer read off a socket: its status, its body, and whether the service closed the connection after it. */
    record RawAnswer(int status, String text, boolean closed) {

        static RawAnswer read(Socket socket) {
            try {
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                if (head == null) {
                    return new RawAnswer(-1, "connection ended without an answer", true);
                }
                int status = Integer.parseInt(head.split(" ", 3)[1]);
                if (status == 100) {
                    return new RawAnswer(100, "", false);
                }
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                String text = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                boolean closed = head.toLowerCase(java.util.Locale.ROOT).contains("connection: close")
                        && in.read() == -1;
                return new RawAnswer(status, text, closed);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String readHead(InputStream in) throws java.io.IOException {
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
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
