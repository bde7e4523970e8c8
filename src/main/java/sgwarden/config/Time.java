package sgwarden.config;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one clock of the service. Beans take it by injection, so that a test moves time instead of
 * waiting it out (the tests replace it with a clock they can set).
 */
public class Time {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
