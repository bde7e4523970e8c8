package sgwarden.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import sgwarden.grouping.GroupWindow;

/** Closes grouping windows by moving the service's clock, once the changes a test sent are in them. */
public final class Windows {

    /** sgwarden.group.quiet in the grouped test profiles (the default). */
    public static final Duration QUIET = Duration.ofSeconds(15);

    private Windows() {
    }

    /** Waits until this many changes wait in open groups. */
    public static void holding(GroupWindow window, int changes) {
        await().atMost(Duration.ofSeconds(60)).until(() -> window.waiting() >= changes);
    }

    /** Waits until this many changes wait in open groups, then lets the quiet gap pass: their groups close. */
    public static void close(GroupWindow window, MovableClock clock, int changes) {
        holding(window, changes);
        clock.advance(QUIET);
        await().atMost(Duration.ofSeconds(10)).until(() -> window.waiting() == 0);
    }
}
