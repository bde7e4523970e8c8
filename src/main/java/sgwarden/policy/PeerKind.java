package sgwarden.policy;

import java.util.List;
import java.util.Locale;

import sgwarden.change.Cidr;
import sgwarden.change.Peer;
import sgwarden.change.Reach;

/**
 * What kind of peer a rule opens to. A rule has one kind; which kinds of a policy match it depends on
 * the policy's action (see {@link #matchedAs}).
 */
public enum PeerKind {
    /** 0.0.0.0/0, ::/0, a /1, or rules of one change that together open the whole internet (see Reach). */
    WORLD,
    /** A public CIDR of /8 or wider (IPv6 /16), or rules of one change that together open as much. */
    WIDE,
    /** Any other CIDR that is not wholly inside RFC 1918 or the unique-local range fc00::/7. */
    PUBLIC,
    /** A CIDR wholly inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or fc00::/7. */
    PRIVATE,
    PREFIX_LIST,
    /** A security group owned by the account that owns the changed group (or with no owner given). */
    GROUP_SAME_ACCOUNT,
    GROUP_OTHER_ACCOUNT;

    private static final List<Cidr> PRIVATE_RANGES = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.168.0.0/16"), Cidr.parse("fc00::/7"));

    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static PeerKind of(String word) {
        for (PeerKind k : values()) {
            if (k.word().equals(word)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown peer kind '" + word
                + "' (use world, wide, public, private, prefix-list, group-same-account or group-other-account)");
    }

    /**
     * The kind of a rule's peer. groupAccount is the account that owns the changed group; reach is the
     * rule's reach within its change. A peer that is missing or cannot be read is wide.
     */
    public static PeerKind of(Peer peer, String groupAccount, Reach reach) {
        if (peer == null) {
            return WIDE;
        }
        switch (peer.kind()) {
            case PREFIX_LIST :
                return PREFIX_LIST;
            case SECURITY_GROUP :
                String owner = peer.ownerAccount();
                return owner == null || owner.isBlank() || owner.equals(groupAccount) ? GROUP_SAME_ACCOUNT
                        : GROUP_OTHER_ACCOUNT;
            default :
                if (reach.isWorld()) {
                    return WORLD;
                }
                Cidr cidr = Cidr.parseOrNull(peer.value());
                if (cidr == null || reach.isWide()) {
                    return WIDE;
                }
                for (Cidr range : PRIVATE_RANGES) {
                    if (range.contains(cidr)) {
                        return PRIVATE;
                    }
                }
                return PUBLIC;
        }
    }

    /**
     * The kinds by which a policy with this action matches a rule of this kind. A revert or quarantine
     * policy nests them, world within wide within public: written against a smaller exposure, it also
     * removes a larger one, so splitting 0.0.0.0/0 into halves or widening a range never escapes it.
     * An approve or ask policy matches the rule's own kind only: an approval written for public or
     * wide ranges never approves a wider one, and an ask never stops a larger exposure on its way to
     * a later revert or quarantine (0.0.0.0/0 never matched an ask on public, and still does not).
     */
    public List<PeerKind> matchedAs(Action action) {
        if (action != Action.REVERT && action != Action.QUARANTINE) {
            return List.of(this);
        }
        return switch (this) {
            case WORLD -> List.of(WORLD, WIDE, PUBLIC);
            case WIDE -> List.of(WIDE, PUBLIC);
            default -> List.of(this);
        };
    }
}
