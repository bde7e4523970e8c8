package sgwarden.store;

import java.util.List;
import java.util.Map;

import sgwarden.change.KnownForm;
import sgwarden.change.Status;

/** What undoing a modification did: the forms put back by rule ID, and the rules removed instead. */
public record Restoration(Status outcome, Map<String, KnownForm> restored, List<String> removed) {
}
