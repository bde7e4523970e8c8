package sgwarden.policy;

import java.util.List;

/** The policies, in the order they are tried; source says where they were read from. */
public record PolicyFile(String source, List<Policy> policies) {

    /** No file: every rule asks a person, as before policies existed. */
    public static PolicyFile none() {
        return new PolicyFile("(none)", List.of());
    }

    public boolean usesTags() {
        return policies.stream().anyMatch(p -> p.match().usesTags());
    }
}
