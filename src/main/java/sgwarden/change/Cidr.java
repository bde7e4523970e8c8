package sgwarden.change;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An IPv4 or IPv6 CIDR block: network is the address shifted right by the host bits, so that two
 * blocks compare by their networks alone.
 */
public record Cidr(BigInteger network, int prefix, int bits) {

    public static Cidr parse(String text) {
        Cidr c = parseOrNull(text);
        if (c == null) {
            throw new IllegalArgumentException("not a CIDR: " + text);
        }
        return c;
    }

    /** null for anything that is not a literal address with an optional prefix length. */
    public static Cidr parseOrNull(String text) {
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

    public boolean isIpv6() {
        return bits == 128;
    }

    public boolean contains(Cidr other) {
        return other.bits == bits && other.prefix >= prefix
                && other.network.shiftRight(other.prefix - prefix).equals(network);
    }

    /** The first address, as a number. */
    public BigInteger first() {
        return network.shiftLeft(bits - prefix);
    }

    /** One past the last address. */
    public BigInteger end() {
        return first().add(BigInteger.ONE.shiftLeft(bits - prefix));
    }

    /** A half-open range of addresses [from, to). */
    public record Span(BigInteger from, BigInteger to) {
        public BigInteger size() {
            return to.subtract(from);
        }
    }

    public Span span() {
        return new Span(first(), end());
    }

    /** The blocks as sorted, disjoint, non-adjacent spans. */
    public static List<Span> union(List<Cidr> blocks) {
        List<Span> spans = new ArrayList<>(blocks.size());
        for (Cidr c : blocks) {
            spans.add(c.span());
        }
        spans.sort(Comparator.comparing(Span::from));
        List<Span> merged = new ArrayList<>();
        for (Span s : spans) {
            if (!merged.isEmpty() && merged.get(merged.size() - 1).to().compareTo(s.from()) >= 0) {
                Span last = merged.remove(merged.size() - 1);
                merged.add(new Span(last.from(), last.to().max(s.to())));
            } else {
                merged.add(s);
            }
        }
        return merged;
    }

    /** How many addresses the two sets of disjoint spans have in common. */
    public static BigInteger overlap(List<Span> a, List<Span> b) {
        BigInteger common = BigInteger.ZERO;
        for (Span x : a) {
            for (Span y : b) {
                BigInteger from = x.from().max(y.from());
                BigInteger to = x.to().min(y.to());
                if (from.compareTo(to) < 0) {
                    common = common.add(to.subtract(from));
                }
            }
        }
        return common;
    }

    public static BigInteger size(List<Span> spans) {
        BigInteger total = BigInteger.ZERO;
        for (Span s : spans) {
            total = total.add(s.size());
        }
        return total;
    }
}
