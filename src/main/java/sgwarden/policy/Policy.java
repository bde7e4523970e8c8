package sgwarden.policy;

/**
 * One entry of the policy file. post only matters for approve. line is where the policy starts in
 * its file, for messages.
 */
public record Policy(String name, Match match, Action action, boolean dryRun, Post post, int line) {
}
