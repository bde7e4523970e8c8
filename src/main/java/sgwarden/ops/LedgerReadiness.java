package sgwarden.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import sgwarden.config.Settings;

/**
 * Ready only while the ledger table answers: without it nothing can be announced exactly once or
 * decided, so App Runner should not send traffic.
 */
@Readiness
@ApplicationScoped
public class LedgerReadiness implements HealthCheck {

    @Inject
    DynamoDbClient dynamo;

    @Inject
    Settings settings;

    @Override
    public HealthCheckResponse call() {
        String table = settings.table();
        try {
            String status = dynamo.describeTable(b -> b.tableName(table)).table().tableStatusAsString();
            return HealthCheckResponse.named("ledger-table").status("ACTIVE".equals(status))
                    .withData("table", table).withData("status", status).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("ledger-table").down().withData("table", table)
                    .withData("error", e.getClass().getSimpleName()).build();
        }
    }
}
