package sgwarden.policy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

import sgwarden.change.Peer;

/** What kind of peer a rule opens to. */
public enum PeerKind {
    /** 0.0.0.0/0 or ::/0. */
    WORLD,
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
                + "' (use world, public, private, prefix-list, group-same-account or group-other-account)");
    }

    /** The kind of a rule's peer; groupAccount is the account that owns the changed group. */
    public static PeerKind of(Peer peer, String groupAccount) {
        switch (peer.kind()) {
            case PREFIX_LIST :
                return PREFIX_LIST;
            case SECURITY_GROUP :
                String owner = peer.ownerAccount();
                return owner == null || owner.isBlank() || owner.equals(groupAccount) ? GROUP_SAME_ACCOUNT
                        : GROUP_OTHER_ACCOUNT;
            default :
                Cidr cidr = Cidr.parseOrNull(peer.value());
                if (cidr == null) {
                    // unreadable: treated as the widest kind short of the world
                    return peer.isWorld() ? WORLD : PUBLIC;
                }
                if (cidr.prefix() == 0) {
                    return WORLD;
                }
                for (Cidr range : PRIVATE_RANGES) {
                    if (range.contains(cidr)) {
                        return PRIVATE;
                    }
                }
                return PUBLIC;
        }
    }

    /** An IPv4 or IPv6 CIDR block. */
    record Cidr(BigInteger network, int prefix, int bits) {

        static Cidr parse(String text) {
            Cidr c = parseOrNull(text);
            if (c == null) {
                throw new IllegalArgumentException("not a CIDR: " + text);
            }
            return c;
        }

        static Cidr parseOrNull(String text) {
            if (text == null) {
                return null;
            }
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            // only literal addresses: InetAddress would otherwise resolve a host name
            if (address.isEmpty() || !address.matches("[0-9A-Fa-f:.]+")) {
                return null;
            }
            try {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                int bits = bytes.length * 8;
                int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > bits) {
                    return null;
                }
                BigInteger value = new BigInteger(1, bytes);
                return new Cidr(value.shiftRight(bits - prefix), prefix, bits);
            } catch (Exception e) {
                return null;
            }
        }

        boolean contains(Cidr other) {
            return other.bits == bits && other.prefix >= prefix
                    && other.network.shiftRight(other.prefix - prefix).equals(network);
        }
    }
}
