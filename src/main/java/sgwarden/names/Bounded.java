package sgwarden.names;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a lookup no later than a deadline; late or failed means unknown, never an error. */
final class Bounded {

    private Bounded() {
    }

    static <T> Optional<T> await(CompletableFuture<Optional<T>> lookup, long deadlineNanos) {
        try {
            Optional<T> found = lookup.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return found == null ? Optional.empty() : found;
        } catch (TimeoutException | ExecutionException e) {
            // the lookup goes on in the background and fills the cache for the next message
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
