package sgwarden.slack;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import sgwarden.config.Settings;
import sgwarden.ops.AuditLog;

/**
 * The Slack endpoint's door, on the HTTP event loop, before platform-http's route. platform-http hands
 * every request to a worker thread, where the body used to be awaited: connections that sent their
 * headers and then trickled a body held every worker, and a signed click waited behind them. Here a
 * request is refused by its headers alone where they tell enough (docs/configuration.md, "The Slack
 * endpoint"), and the body of the rest is read without a thread waiting for it, within
 * sgwarden.slack.body-deadline. The route then gets the bytes as they came ({@link RequestBody}) and
 * checks the signature over them.
 */
@ApplicationScoped
public class InteractionGate {

    /** Where the body read here waits for the route, in the request's RoutingContext. */
    static final String BODY = "sgwarden.slack.body";

    /**
     * Before platform-http's routes (orders from 0 up) and Quarkus's own body size check (-2); after
     * {@link ContentTypeGuard} (-100), which refuses a Content-Type that cannot be parsed.
     */
    static final int ORDER = -10;

    /** What Slack sends; a charset parameter only as utf-8. */
    private static final Pattern FORM = Pattern
            .compile("\\s*application/x-www-form-urlencoded\\s*(;\\s*charset\\s*=\\s*(utf-8|\"utf-8\")\\s*)?");

    @Inject
    Settings settings;

    @Inject
    SlackSignature signature;

    @Inject
    AuditLog audit;

    /** The same path and method as the platform-http route, so that both match exactly the same requests. */
    void register(@Observes Router router) {
        router.post(settings.slack().interactionsPath()).order(ORDER).handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Refusal refusal = refusal(request);
        if (refusal != null) {
            refuse(ctx, refusal.status(), refusal.reason());
            return;
        }
        if (request.version() != HttpVersion.HTTP_1_0 && request.getHeader("Expect") != null) {
            // the client waits for this before it sends the body: only headers that passed get it
            ctx.response().writeContinue();
        }
        new BodyRead(ctx, Integer.parseInt(request.getHeader("Content-Length").trim())).start();
    }

    /** Why these headers cannot be a click from Slack, or null when they may be. */
    Refusal refusal(HttpServerRequest request) {
        // Slack sends a Content-Length; a chunked body could not be sized before it was read
        List<String> lengths = request.headers().getAll("Content-Length");
        if (request.headers().contains("Transfer-Encoding") || lengths.isEmpty()) {
            return new Refusal(411, "Content-Length required");
        }
        String length = lengths.get(0).trim();
        if (lengths.size() > 1 || length.isEmpty() || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new Refusal(400, "Content-Length must be one number");
        }
        int limit = settings.slack().maxBodyBytes();
        if (length.length() > 18 || Long.parseLong(length) > limit) {
            return new Refusal(413, "request body larger than " + limit + " bytes");
        }
        List<String> types = request.headers().getAll("Content-Type");
        if (types.size() != 1 || !FORM.matcher(types.get(0).toLowerCase(Locale.ROOT)).matches()) {
            return new Refusal(415, "Content-Type must be application/x-www-form-urlencoded");
        }
        List<String> timestamps = request.headers().getAll("X-Slack-Request-Timestamp");
        List<String> signatures = request.headers().getAll("X-Slack-Signature");
        if (timestamps.size() > 1 || signatures.size() > 1) {
            return new Refusal(401, "X-Slack-Request-Timestamp or X-Slack-Signature sent more than once");
        }
        try {
            signature.checkHeaders(timestamps.isEmpty() ? null : timestamps.get(0),
                    signatures.isEmpty() ? null : signatures.get(0));
        } catch (SignatureRejectedException e) {
            return new Refusal(401, e.getMessage());
        }
        String expect = request.getHeader("Expect");
        if (expect != null && request.version() != HttpVersion.HTTP_1_0 && !"100-continue".equalsIgnoreCase(expect)) {
            return new Refusal(417, "only Expect: 100-continue is supported");
        }
        return null;
    }

    /**
     * Answers and closes the connection: what the client still sends of the body is never read (a
     * connection kept open would read it as the next request). HTTP/2 is off (application.properties).
     */
    void refuse(RoutingContext ctx, int status, String reason) {
        audit.refusedUnread(status, reason);
        HttpServerResponse response = ctx.response();
        if (response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Connection", "close");
        response.end(reason).onComplete(sent -> ctx.request().connection().close());
    }

    record Refusal(int status, String reason) {
    }

    /** One request's body, gathered as it comes on the event loop; the route's turn comes when it is whole. */
    private final class BodyRead {
        private final RoutingContext ctx;
        private final int length;
        private final Buffer received;
        private long deadline;
        private boolean over;

        BodyRead(RoutingContext ctx, int length) {
            this.ctx = ctx;
            this.length = length;
            this.received = Buffer.buffer(length);
        }

        void start() {
            HttpServerRequest request = ctx.request();
            if (request.isEnded()) {
                // nothing here consumed it: something before this handler did, and the route would get no body
                finish(500, "the request body was read before the gate");
                return;
            }
            long millis = settings.slack().bodyDeadline().toMillis();
            deadline = ctx.vertx().setTimer(millis,
                    id -> finish(408, "the request body did not arrive within " + millis + " ms of its headers"));
            request.handler(this::chunk);
            request.exceptionHandler(failed -> finish(0, null));
            request.endHandler(end -> {
                if (!over) {
                    over = true;
                    ctx.vertx().cancelTimer(deadline);
                    ctx.put(BODY, received.getBytes());
                    ctx.next();
                }
            });
            request.resume();
        }

        private void chunk(Buffer chunk) {
            if (over) {
                return;
            }
            if (received.length() + chunk.length() > length) {
                // HTTP/1.1 frames the body by its Content-Length: only a decoder fault would get here
                finish(413, "request body longer than its Content-Length");
                return;
            }
            received.appendBuffer(chunk);
        }

        /** Ends the read with a refusal, or (status 0: the connection broke) with nothing to answer. */
        private void finish(int status, String reason) {
            if (over) {
                return;
            }
            over = true;
            ctx.vertx().cancelTimer(deadline);
            if (status == 0) {
                return;
            }
            refuse(ctx, status, reason);
        }
    }
}
