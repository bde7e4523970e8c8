package routes;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

import sgwarden.change.Keys;
import sgwarden.store.ChangeLedger;

/**
 * Prefix lists: a managed prefix list changed (ModifyManagedPrefixList,
 * RestoreManagedPrefixListVersion). sgwarden's own (Deny or Restore changing the list) is recognized
 * by the write it recorded; any other is read through the spoke roles (the entries at both versions,
 * the groups using the list and their rules naming it) and becomes one change per group and direction,
 * each rule judged as if every CIDR the list gained were its peer. Nothing gained: nothing posted.
 */
@ApplicationScoped
public class PrefixListRoutes extends RouteBuilder {
    // @formatter:off: the route DSL is indented by hand to show its nesting

    private static final String UNREADABLE = "${body.prefixList.unreadable} != null";

    @Inject
    ChangeLedger ledger;

    /**
     * List changes that need nothing (only removals, or a list no group uses), counted once: the Lake
     * returns each record on every run of its lookback. Kept in memory: after a restart one is counted again.
     */
    private final IdempotentRepository settled = MemoryIdempotentRepository.memoryIdempotentRepository(10_000);

    @Override
    public void configure() {
        from("direct:prefix-list-found")
                .routeId("prefix-list-found")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .to("direct:own-write")
                .filter(simple(UNREADABLE))
                    .to("direct:prefix-list-unreadable")
                    .stop()
                .end()
                .bean("prefixListUses", "read")
                .filter(simple(UNREADABLE))
                    .to("direct:prefix-list-unreadable")
                    .stop()
                .end()
                .filter(simple("${body.prefixList.added.isEmpty()}"))
                    .idempotentConsumer(simple("${body.eventId}"), settled)
                        .bean("counters", "prefixList('removal-only')")
                        .bean("auditLog", "skipped('a prefix list change that added nothing')")
                    .end()
                    .stop()
                .end()
                .filter(simple("${body.prefixList.uses.isEmpty()}"))
                    .idempotentConsumer(simple("${body.eventId}"), settled)
                        .bean("counters", "prefixList('unused')")
                        .bean("auditLog", "skipped('a prefix list no security group uses')")
                    .end()
                    .stop()
                .end()
                .split(method("prefixListUses", "expand")).stopOnException()
                    .to("direct:announce")
                .end();

        // Fail closed: a list change that cannot be read is told to a person once (the ledger claims it).
        from("direct:prefix-list-unreadable")
                .routeId("prefix-list-unreadable")
                .routeConfigurationId(ErrorHandling.DETECTION)
                .idempotentConsumer(simple("${body.eventId}"), ledger).completionEager(true)
                    .setProperty(Keys.CHANGE, body())
                    .bean("policyMessages", "unreadablePrefixList")
                    .to("direct:slack-post")
                    .setBody(exchangeProperty(Keys.CHANGE))
                    .bean("announcementRecords", "noticed")
                    .bean("counters", "prefixList('unreadable')")
                    .bean("auditLog", "skipped('a prefix list change that could not be read: a person was told')")
                .end();
    }
    // @formatter:on
}
