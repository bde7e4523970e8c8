package sgwarden.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The moto server the build installed under target/moto, started once per test JVM and stopped
 * when the JVM ends. Accounts are kept apart by moto itself: the service runs as 123456789012.
 */
public final class Moto {

    public static final String SERVICE_ACCOUNT = "123456789012";
    private static Moto instance;

    private final Process process;
    private final int port;

    private Moto(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized Moto start() {
        if (instance != null && instance.process.isAlive()) {
            return instance;
        }
        Path home = Path.of(System.getProperty("moto.home", "target/moto"));
        Path python = home.resolve("bin/python");
        Path server = Path.of("src/test/moto/serve.py");
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("moto is not installed at " + home + "; run the tests through Maven");
        }
        int port = freePort();
        try {
            File log = home.resolve("moto-" + port + ".log").toFile();
            ProcessBuilder builder = new ProcessBuilder(python.toString(), server.toString(), "127.0.0.1",
                    Integer.toString(port)).redirectErrorStream(true).redirectOutput(log);
            builder.environment().put("MOTO_RECORDER_FILEPATH", home.resolve("recording-" + port).toString());
            Process p = builder.start();
            Moto moto = new Moto(p, port);
            moto.awaitUp();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
            instance = moto;
            return moto;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Empties every backend, so a test class starts from a clean emulator. */
    public void reset() {
        // moto answers a reset that met a request still in flight (a stopping service's last call) with an
        // error and leaves its state: a reset counts only once moto says it is done
        for (int attempt = 1; post("/moto-api/reset") != 200; attempt++) {
            if (attempt == 5) {
                throw new IllegalStateException("moto did not reset");
            }
        }
    }

    /** Starts moto's request recorder afresh, so a test can count the calls the service made. */
    public void startRecording() {
        post("/moto-api/recorder/reset-recording");
        post("/moto-api/recorder/start-recording");
    }

    /**
     * The recorded requests of this query-protocol action (STS, EC2), each as its decoded form
     * parameters plus "Authorization": what the service sent, exactly as moto received it.
     */
    public List<Map<String, String>> recordedRequests(String action) {
        return recordedRequests().stream().filter(r -> action.equals(r.get("Action"))).toList();
    }

    /**
     * Every recorded query-protocol request (STS, EC2), in the order moto received them, each as its
     * decoded form parameters ("Action" among them) plus "Authorization".
     */
    public List<Map<String, String>> recordedRequests() {
        try {
            String lines = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(endpoint() + "/moto-api/recorder/download-recording")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            ObjectMapper json = new ObjectMapper();
            List<Map<String, String>> found = new ArrayList<>();
            List<String> recorded = lines.lines().filter(l -> !l.isBlank()).toList();
            for (int i = 0; i < recorded.size(); i++) {
                JsonNode entry;
                try {
                    entry = json.readTree(recorded.get(i));
                } catch (JsonProcessingException e) {
                    if (i == recorded.size() - 1) {
                        // moto was still writing the line of a request that came in as this was read
                        // (the service's timers keep calling it): that request is after the ones asked about
                        break;
                    }
                    throw e;
                }
                String body = entry.path("body").asText("");
                if (entry.path("body_encoded").asBoolean()) {
                    body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
                }
                if (body.startsWith("{")) {
                    continue; // a JSON-protocol request (DynamoDB, SQS), not a query-protocol one
                }
                Map<String, String> params = new LinkedHashMap<>();
                for (String pair : body.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
                if (params.containsKey("Action")) {
                    params.put("Authorization", entry.path("headers").path("Authorization").asText(""));
                    found.add(params);
                }
            }
            return found;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many recorded requests carried this API action (e.g. RevokeSecurityGroupIngress). */
    public long recordedCalls(String action) {
        try {
            String lines = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(endpoint() + "/moto-api/recorder/download-recording")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            return lines.lines().filter(l -> !l.isBlank()).map(l -> {
                try {
                    var entry = json.readTree(l);
                    String body = entry.path("body").asText("");
                    if (entry.path("body_encoded").asBoolean()) {
                        body = new String(java.util.Base64.getDecoder().decode(body),
                                java.nio.charset.StandardCharsets.UTF_8);
                    }
                    return body + "&" + entry.path("url").asText();
                } catch (Exception e) {
                    return l;
                }
            }).filter(b -> java.util.regex.Pattern.compile("(^|[?&])Action=" + action + "(&|$)").matcher(b).find())
                    .count();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void awaitUp() {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/data.json"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (Exception e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("moto did not start on port " + port);
    }

    private int post(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
