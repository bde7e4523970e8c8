package sgwarden.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A pass-through in front of moto that can make AWS misbehave the way it does in production:
 * refuse an action with an AWS error (AccessDenied, RequestLimitExceeded), or fail every DynamoDB
 * call as if the table could not be reached. Everything else reaches moto unchanged.
 */
public final class FaultyAws {

    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    private record Fault(int status, String code, String message, AtomicInteger remaining) {
    }

    private final HttpServer server;
    private final String target;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final List<String> actions = new CopyOnWriteArrayList<>();
    private volatile boolean dynamoUnreachable;
    private final Map<String, Long> slow = new ConcurrentHashMap<>();

    public FaultyAws(String target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    /** The next `times` calls of this action get the AWS error instead of reaching moto. */
    public void fail(String action, int times, int status, String code, String message) {
        faults.put(action, new Fault(status, code, message, new AtomicInteger(times)));
    }

    /** Calls of this action reach moto only after this delay, as a slow AWS answer would. */
    public void slow(String action, long millis) {
        slow.put(action, millis);
    }

    public void dynamoUnreachable(boolean unreachable) {
        this.dynamoUnreachable = unreachable;
    }

    public long calls(String action) {
        return actions.stream().filter(action::equals).count();
    }

    public void reset() {
        faults.clear();
        slow.clear();
        actions.clear();
        dynamoUnreachable = false;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String action = amzTarget != null ? amzTarget.substring(amzTarget.lastIndexOf('.') + 1)
                : formAction(new String(body, StandardCharsets.UTF_8));
        actions.add(action);
        if (dynamoUnreachable && amzTarget != null && amzTarget.startsWith("DynamoDB_")) {
            // every call fails at once, as when the table's endpoint cannot be reached
            send(exchange, 503, Map.of("Content-Type", List.of("application/x-amz-json-1.0")),
                    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ServiceUnavailableException\",\"message\":\"unreachable\"}"
                            .getBytes(StandardCharsets.UTF_8));
            return;
        }
        Fault fault = faults.get(action);
        if (fault != null && fault.remaining().getAndDecrement() > 0) {
            String xml = "<ErrorResponse><Error><Type>Sender</Type><Code>" + fault.code() + "</Code><Message>"
                    + fault.message() + "</Message></Error><RequestId>faulty-aws</RequestId></ErrorResponse>";
            if (exchange.getRequestURI().getPath().equals("/") && action.startsWith("Revoke")) {
                // EC2 wraps errors in <Response><Errors>
                xml = "<Response><Errors><Error><Code>" + fault.code() + "</Code><Message>" + fault.message()
                        + "</Message></Error></Errors><RequestID>faulty-aws</RequestID></Response>";
            }
            send(exchange, fault.status(), Map.of("Content-Type", List.of("text/xml")),
                    xml.getBytes(StandardCharsets.UTF_8));
            return;
        }
        Long delay = slow.get(action);
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(v -> forward.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            send(exchange, response.statusCode(), response.headers().map(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        }
    }

    private static String formAction(String form) {
        for (String pair : form.split("&")) {
            if (pair.startsWith("Action=")) {
                return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static void send(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((name, values) -> {
            if (name != null && !HOP_BY_HOP.contains(name.toLowerCase()) && !name.equalsIgnoreCase("date")) {
                values.forEach(v -> exchange.getResponseHeaders().add(name, v));
            }
        });
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
