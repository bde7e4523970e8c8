package sgwarden.change;

import java.util.List;

/**
 * Security groups put on a network interface (ModifyNetworkInterfaceAttribute), on an instance's
 * primary interface (ModifyInstanceAttribute), on a new interface (CreateNetworkInterface) or on the
 * interfaces of instances launched (RunInstances). groups is the set the request names by ID:
 * CloudTrail does not record the earlier one. interfaceId or instanceId may be unknown until the
 * interface is read through the spoke role.
 *
 * <p>
 * For a launch or a new interface, launched holds the instances or the interface the response names:
 * their groups are read through the spoke role, the request is only a fallback. notById says why the
 * request alone does not tell the groups (named by name, a launch template), or is null.
 */
public record Attachment(String interfaceId, String instanceId, List<String> groups, String unreadable,
        List<String> launched, String notById) {

    public static final String INTERFACE_EVENT = "ModifyNetworkInterfaceAttribute";
    public static final String INSTANCE_EVENT = "ModifyInstanceAttribute";
    public static final String CREATE_INTERFACE_EVENT = "CreateNetworkInterface";
    public static final String LAUNCH_EVENT = "RunInstances";

    public Attachment {
        groups = groups == null ? List.of() : List.copyOf(groups);
        launched = launched == null ? List.of() : List.copyOf(launched);
    }

    public Attachment(String interfaceId, String instanceId, List<String> groups, String unreadable) {
        this(interfaceId, instanceId, groups, unreadable, List.of(), null);
    }

    public Attachment(String interfaceId, String instanceId, List<String> groups) {
        this(interfaceId, instanceId, groups, null);
    }

    /**
     * A group set the record names but that could not be read: fails closed, a person is told why
     * (traffic may be open), never skipped.
     */
    public static Attachment cannotRead(String target, String why) {
        boolean eni = target != null && target.startsWith("eni-");
        return new Attachment(eni ? target : null, eni ? null : target, List.of(), why);
    }

    public static boolean isEvent(String eventName) {
        return INTERFACE_EVENT.equals(eventName) || INSTANCE_EVENT.equals(eventName) || isLaunch(eventName);
    }

    /** Groups put on interfaces that the call created: a new interface, or launched instances. */
    public static boolean isLaunch(String eventName) {
        return CREATE_INTERFACE_EVENT.equals(eventName) || LAUNCH_EVENT.equals(eventName);
    }

    /** "eni-0abc of i-0def", "eni-0abc", or "the primary interface of i-0def". */
    public String target() {
        if (interfaceId == null && instanceId == null) {
            if (!launched.isEmpty()) {
                return launched.size() == 1 ? launched.get(0)
                        : launched.size() + " launched instances (" + String.join(", ", launched.subList(0,
                                Math.min(5, launched.size()))) + (launched.size() > 5 ? ", …" : "") + ")";
            }
            return "an interface or instance the record does not name";
        }
        if (interfaceId == null) {
            return "the primary interface of " + instanceId;
        }
        return instanceId == null ? interfaceId : interfaceId + " of " + instanceId;
    }
}
