package sgwarden.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a group's tag change switches: each policy on tags whose tags held before and not after
 * ("off"), or after and not before ("on"). Only the tags are compared; the policy's other fields
 * still decide which rule changes it acts on.
 */
public final class TagSwitches {

    private TagSwitches() {
    }

    /** "approve|platform-team-trusted|on": the action, the policy, on or off; in the file's order. */
    public static List<String> of(PolicyFile file, String account, String region, Map<String, String> before,
            Map<String, String> after) {
        List<String> switches = new ArrayList<>();
        for (Policy p : file.policies()) {
            Match m = p.match();
            if (!m.usesTags() || (m.accounts() != null && !m.accounts().contains(account))
                    || (m.regions() != null && !m.regions().contains(region))) {
                continue;
            }
            boolean was = p.match().tagsHold(before);
            boolean is = p.match().tagsHold(after);
            if (was != is) {
                switches.add(p.action().word() + "|" + p.name() + "|" + (is ? "on" : "off"));
            }
        }
        return switches;
    }

    /**
     * "from now on policy platform-team-trusted approves changes to web", or "… no longer reverts …".
     */
    public static String describe(String entry, String group) {
        String[] parts = entry.split("\\|", 3);
        String verb = switch (parts[0]) {
            case "approve" -> "approves";
            case "revert" -> "reverts";
            case "quarantine" -> "quarantines";
            default -> "asks about";
        };
        boolean on = parts.length > 2 && "on".equals(parts[2]);
        return "from now on policy " + parts[1] + (on ? " " : " no longer ") + verb
                + " changes to " + group;
    }

    /** The policy named in an entry. */
    public static String policy(String entry) {
        return entry.split("\\|", 3)[1];
    }
}
