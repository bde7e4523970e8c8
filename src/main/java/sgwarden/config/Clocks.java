package sgwarden.config;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/**
 * The time beans that wait out long periods (a heartbeat's silence) take by injection, so that
 * tests move a clock instead of waiting 15 minutes. Production has the system clock.
 */
public class Clocks {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
