package sgwarden.slack;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Body;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import sgwarden.config.Settings;

/**
 * Reads the raw request body, as Slack signed it, and stops reading as soon as it passes the size
 * limit: an oversized body is refused before it is held whole. (platform-http would otherwise
 * parse the form and drop the raw bytes the signature covers.)
 */
@ApplicationScoped
@Named("requestBody")
public class RequestBody {

    @Inject
    Settings settings;

    public byte[] read(@Body HttpServerRequest request) {
        int maxBytes = settings.slack().maxBodyBytes();
        String declared = request.getHeader("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > maxBytes) {
                    throw new PayloadTooLargeException(maxBytes);
                }
            } catch (NumberFormatException e) {
                throw new BadInteractionException("Content-Length is not a number");
            }
        }
        CompletableFuture<byte[]> whole = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        if (request.isEnded()) {
            // the request waited so long in the worker queue (overload) that Vert.x finished with it
            throw new RequestGoneException();
        }
        request.handler(chunk -> {
            if (whole.isDone()) {
                return;
            }
            if (received.length() + chunk.length() > maxBytes) {
                whole.completeExceptionally(new PayloadTooLargeException(maxBytes));
                return;
            }
            received.appendBuffer(chunk);
        });
        request.exceptionHandler(whole::completeExceptionally);
        request.endHandler(done -> whole.complete(received.getBytes()));
        request.resume();
        try {
            return whole.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PayloadTooLargeException tooLarge) {
                throw tooLarge;
            }
            throw new BadInteractionException("the request body could not be read");
        } catch (TimeoutException e) {
            throw new BadInteractionException("the request body did not arrive in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadInteractionException("interrupted reading the request body");
        }
    }

    /** Answered 503: the service was too busy to read the request while its client waited. */
    public static class RequestGoneException extends RuntimeException {
        public RequestGoneException() {
            super("the request was no longer readable when its turn came; the service is overloaded");
        }
    }

    /** Answered 413. */
    public static class PayloadTooLargeException extends RuntimeException {
        public PayloadTooLargeException(int limit) {
            super("request body larger than " + limit + " bytes");
        }
    }
}
