package sgwarden.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

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
        Path server = home.resolve("bin/moto_server");
        if (!Files.isExecutable(server)) {
            throw new IllegalStateException("moto is not installed at " + server + "; run the tests through Maven");
        }
        int port = freePort();
        try {
            File log = home.resolve("moto-" + port + ".log").toFile();
            Process p = new ProcessBuilder(server.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log).start();
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
        post("/moto-api/reset");
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

    private void post(String path) {
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint() + path))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
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
