package sgwarden.testing;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The service's management interface in a Quarkus test: metrics and the detailed health checks, on
 * a port of their own (a free one in tests, pom.xml), never on the public port.
 */
public final class Management {

    private Management() {
    }

    /** The port the management interface listens on in this test run. */
    public static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
    }

    /** http://localhost:port + path, on the management interface. */
    public static String url(String path) {
        return "http://localhost:" + port() + path;
    }
}
