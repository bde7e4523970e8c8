package sgwarden.change;

import java.util.List;

/**
 * Security groups put on a network interface (ModifyNetworkInterfaceAttribute) or on an instance's
 * primary interface (ModifyInstanceAttribute). groups is the whole new set, as the request names it:
 * CloudTrail does not record the earlier one. interfaceId or instanceId may be unknown until the
 * interface is read through the spoke role.
 */
public record Attachment(String interfaceId, String instanceId, List<String> groups, String unreadable) {

    public static final String INTERFACE_EVENT = "ModifyNetworkInterfaceAttribute";
    public static final String INSTANCE_EVENT = "ModifyInstanceAttribute";

    public Attachment {
        groups = groups == null ? List.of() : List.copyOf(groups);
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
        return INTERFACE_EVENT.equals(eventName) || INSTANCE_EVENT.equals(eventName);
    }

    /** "eni-0abc of i-0def", "eni-0abc", or "the primary interface of i-0def". */
    public String target() {
        if (interfaceId == null && instanceId == null) {
            return "an interface or instance the record does not name";
        }
        if (interfaceId == null) {
            return "the primary interface of " + instanceId;
        }
        return instanceId == null ? interfaceId : interfaceId + " of " + instanceId;
    }
}
