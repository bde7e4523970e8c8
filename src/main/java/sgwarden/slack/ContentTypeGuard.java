package sgwarden.slack;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;

/**
 * Refuses, with 400, a request whose Content-Type cannot be parsed (a parameter that is a lone
 * quote, e.g. {@code text/plain; charset="}). platform-http reads the charset from it before any
 * route runs, where Vert.x's parser throws and the request would end as a 500.
 */
@ApplicationScoped
public class ContentTypeGuard {

    void register(@Observes Filters filters) {
        filters.register(context -> {
            if (context.request().getHeader("Content-Type") != null) {
                try {
                    context.parsedHeaders().contentType().parameter("charset");
                } catch (RuntimeException e) {
                    context.response().setStatusCode(400).putHeader("Content-Type", "text/plain; charset=utf-8")
                            .end("malformed Content-Type");
                    return;
                }
            }
            context.next();
        }, 100);
    }
}
