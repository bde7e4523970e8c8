package sgwarden.policy;

import java.util.List;

/** The policies, in the order they are tried; source says where they were read from. */
public record PolicyFile(String source, List<Policy> policies) {

    /** No file: every rule asks a person, as before policies existed. */
    public static PolicyFile none() {
        return new PolicyFile("(none)", List.of());
    }

    /** The tag keys some policy matches on: a change to any other key switches nothing. */
    public java.util.Set<String> tagKeys() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        policies.stream().filter(p -> p.match().usesTags()).forEach(p -> keys.addAll(p.match().tags().keySet()));
        return keys;
    }

    public boolean usesTags() {
        return policies.stream().anyMatch(p -> p.match().usesTags());
    }
}
