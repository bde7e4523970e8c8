package sgwarden.slack;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Body;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.WebServerRequest;

/**
 * The raw request body, as Slack signed it, for the route: the bytes {@link InteractionGate} read
 * before the route's turn came. (platform-http would otherwise parse the form and drop the raw bytes
 * the signature covers.)
 */
@ApplicationScoped
@Named("requestBody")
public class RequestBody {

    public byte[] read(@Body HttpServerRequest request) {
        byte[] body = request instanceof WebServerRequest web ? web.routingContext().get(InteractionGate.BODY) : null;
        if (body == null) {
            // the gate answers every request it does not pass on with its body: this is a wiring fault, not input
            throw new IllegalStateException("the request reached the route without the body InteractionGate reads");
        }
        return body;
    }
}
