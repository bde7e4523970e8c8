package sgwarden.policy;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.error.MarkedYAMLException;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import sgwarden.change.ApprovalDuration;
import sgwarden.change.Direction;

/**
 * Reads a policy file (YAML). Anything it does not understand is refused, with the line and the
 * reason: YAML that does not parse, an unknown field, a bad value, a policy without name or action.
 */
public final class PolicyParser {

    private static final ObjectReader READER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build()
            .readerFor(RawFile.class);

    private PolicyParser() {
    }

    /** source names the file (or setting) in messages. */
    public static PolicyFile parse(String yaml, String source) {
        if (yaml == null || yaml.isBlank()) {
            throw new PolicyFileException(source, 0, "it is empty (write \"policies: []\" for no policies)", null);
        }
        RawFile raw;
        try {
            raw = READER.readValue(yaml);
        } catch (JsonProcessingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof MarkedYAMLException y && y.getProblemMark() != null) {
                    throw new PolicyFileException(source, y.getProblemMark().getLine() + 1,
                            "not valid YAML: " + y.getProblem(), e);
                }
            }
            if (e instanceof JsonMappingException m) {
                throw new PolicyFileException(source, line(m.getLocation()), reason(m) + at(m.getPath()), e);
            }
            throw new PolicyFileException(source, line(e.getLocation()), e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PolicyFileException(source, 0, e.toString(), e);
        }
        if (raw == null) {
            throw new PolicyFileException(source, 0, "it holds no YAML document", null);
        }
        if (raw.policies == null) {
            throw new PolicyFileException(source, 1, "no 'policies' list (write \"policies: []\" for no policies)",
                    null);
        }
        Map<String, Policy> byName = new HashMap<>();
        for (Policy p : raw.policies) {
            Policy earlier = byName.putIfAbsent(p.name(), p);
            if (earlier != null) {
                throw new PolicyFileException(source, p.line(),
                        "policy name '" + p.name() + "' is already used on line " + earlier.line(), null);
            }
        }
        return new PolicyFile(source, List.copyOf(raw.policies));
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    private static String reason(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? ""
                    : " (known fields: " + u.getKnownPropertyIds().stream().map(Object::toString).sorted()
                            .collect(Collectors.joining(", ")) + ")";
            return "unknown field '" + u.getPropertyName() + "'" + known;
        }
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Cannot deserialize value of type `java.util.")) {
            return "expected a list or a single value";
        }
        if (message != null && message.contains("RawFile")) {
            return "the file is a mapping with a 'policies' list";
        }
        return message;
    }

    private static String at(List<JsonMappingException.Reference> path) {
        StringBuilder where = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                where.append(where.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                where.append('[').append(r.getIndex()).append(']');
            }
        }
        return where.length() == 0 ? "" : " (at " + where + ")";
    }

    // ---- the file as written; each level is checked as it is read, so errors keep their line ----

    static final class RawFile {
        @JsonProperty("policies")
        @JsonDeserialize(contentUsing = PolicyDeserializer.class)
        List<Policy> policies;
    }

    static final class RawPolicy {
        @JsonProperty("name")
        @JsonDeserialize(using = NameDeserializer.class)
        String name;
        @JsonProperty("match")
        @JsonDeserialize(using = MatchDeserializer.class)
        Match match;
        @JsonProperty("action")
        @JsonDeserialize(using = ActionDeserializer.class)
        Action action;
        @JsonProperty("dryRun")
        @JsonDeserialize(using = BooleanDeserializer.class)
        Boolean dryRun;
        @JsonProperty("post")
        @JsonDeserialize(using = PostDeserializer.class)
        Post post;
        @JsonProperty("maxApproval")
        String maxApproval;
        @JsonProperty("allowPermanent")
        @JsonDeserialize(using = BooleanDeserializer.class)
        Boolean allowPermanent;
        @JsonProperty("undecided")
        RawUndecided undecided;
    }

    /** undecided: {after: 24h, then: deny}; both fields are checked with the policy, which names them. */
    static final class RawUndecided {
        @JsonProperty("after")
        String after;
        @JsonProperty("then")
        String then;
    }

    static final class RawMatch {
        @JsonProperty("accounts")
        @JsonDeserialize(contentUsing = AccountDeserializer.class)
        List<String> accounts;
        @JsonProperty("regions")
        @JsonDeserialize(contentUsing = RegionDeserializer.class)
        List<String> regions;
        @JsonProperty("direction")
        @JsonDeserialize(using = DirectionDeserializer.class)
        Direction direction;
        @JsonProperty("event")
        @JsonDeserialize(using = EventDeserializer.class)
        EventKind event;
        @JsonProperty("protocols")
        @JsonDeserialize(contentUsing = ProtocolDeserializer.class)
        List<String> protocols;
        @JsonProperty("ports")
        @JsonDeserialize(contentUsing = PortsDeserializer.class)
        List<PortRange> ports;
        @JsonProperty("onlyPorts")
        @JsonDeserialize(contentUsing = PortsDeserializer.class)
        List<PortRange> onlyPorts;
        @JsonProperty("peers")
        @JsonDeserialize(contentUsing = PeerDeserializer.class)
        List<PeerKind> peers;
        @JsonProperty("principals")
        @JsonDeserialize(contentUsing = ArnGlobDeserializer.class)
        List<Glob> principals;
        @JsonProperty("identityTypes")
        @JsonDeserialize(contentUsing = IdentityTypeDeserializer.class)
        List<String> identityTypes;
        @JsonProperty("userAgents")
        @JsonDeserialize(contentUsing = TextGlobDeserializer.class)
        List<Glob> userAgents;
        @JsonProperty("tags")
        @JsonDeserialize(contentUsing = TextGlobDeserializer.class)
        LinkedHashMap<String, Glob> tags;
    }

    /** Reads a mapping, then checks it as a whole; an error points at the line where it starts. */
    abstract static class Checked<R, T> extends StdDeserializer<T> {
        private final Class<R> raw;
        private final String what;

        Checked(Class<T> type, Class<R> raw, String what) {
            super(type);
            this.raw = raw;
            this.what = what;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonLocation start = p.currentTokenLocation();
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new JsonMappingException(p, what, start);
            }
            R value = ctxt.readValue(p, raw);
            try {
                return check(value, start.getLineNr());
            } catch (IllegalArgumentException e) {
                throw new JsonMappingException(p, e.getMessage(), start);
            }
        }

        abstract T check(R raw, int line);
    }

    static final class PolicyDeserializer extends Checked<RawPolicy, Policy> {
        PolicyDeserializer() {
            super(Policy.class, RawPolicy.class, "a policy is a mapping with name, match and action");
        }

        @Override
        Policy check(RawPolicy p, int line) {
            if (p.name == null) {
                throw new IllegalArgumentException("a policy needs a name");
            }
            if (p.action == null) {
                throw new IllegalArgumentException(
                        "policy '" + p.name + "' needs an action (ask, approve, revert or quarantine)");
            }
            if (p.post != null && p.action != Action.APPROVE) {
                throw new IllegalArgumentException("policy '" + p.name + "': post applies only to action approve");
            }
            Post post = p.action == Action.APPROVE ? (p.post == null ? Post.COMPACT : p.post) : null;
            if ((p.maxApproval != null || p.allowPermanent != null) && p.action != Action.ASK) {
                throw new IllegalArgumentException("policy '" + p.name
                        + "': maxApproval and allowPermanent apply only to action ask (a person approves)");
            }
            ApprovalDuration max = null;
            if (p.maxApproval != null) {
                try {
                    max = ApprovalDuration.parse(p.maxApproval);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("policy '" + p.name + "': maxApproval " + e.getMessage());
                }
                if (max.permanent()) {
                    throw new IllegalArgumentException("policy '" + p.name
                            + "': maxApproval is a duration such as 8h; leave it out for no cap");
                }
            }
            return new Policy(p.name, p.match == null ? Match.ANY : p.match, p.action,
                    p.dryRun != null && p.dryRun, post, line, max, p.allowPermanent == null || p.allowPermanent,
                    undecided(p));
        }

        private static Undecided undecided(RawPolicy p) {
            if (p.undecided == null) {
                return null;
            }
            String field = "policy '" + p.name + "': undecided";
            if (p.action != Action.ASK) {
                throw new IllegalArgumentException(field + " applies only to action ask (a person decides)");
            }
            if (p.undecided.after == null || p.undecided.then == null) {
                throw new IllegalArgumentException(field + " needs both after (e.g. 24h) and then (deny or approve)");
            }
            ApprovalDuration after;
            try {
                after = ApprovalDuration.parse(p.undecided.after);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ".after " + e.getMessage());
            }
            if (after.permanent()) {
                throw new IllegalArgumentException(field + ".after is a duration such as 24h");
            }
            boolean approve = switch (p.undecided.then.trim().toLowerCase(Locale.ROOT)) {
                case "deny" -> false;
                case "approve" -> true;
                default -> throw new IllegalArgumentException(
                        field + ".then is deny or approve, not '" + p.undecided.then + "'");
            };
            if (approve && (p.maxApproval != null || Boolean.FALSE.equals(p.allowPermanent))) {
                throw new IllegalArgumentException(field + ".then approve approves permanently, which this policy's"
                        + " maxApproval or allowPermanent: false forbids; use then: deny");
            }
            return new Undecided(after.duration(), after.label(), approve);
        }
    }

    static final class MatchDeserializer extends Checked<RawMatch, Match> {
        MatchDeserializer() {
            super(Match.class, RawMatch.class, "match is a mapping of fields (or {} for every rule)");
        }

        @Override
        Match check(RawMatch m, int line) {
            return new Match(set(m.accounts, "accounts"), set(m.regions, "regions"), m.direction, m.event,
                    set(m.protocols, "protocols"), list(m.ports, "ports"), list(m.onlyPorts, "onlyPorts"),
                    set(m.peers, "peers"), list(m.principals, "principals"), set(m.identityTypes, "identityTypes"),
                    list(m.userAgents, "userAgents"), tags(m.tags));
        }

        private static <E> List<E> list(List<E> values, String field) {
            if (values == null) {
                return null;
            }
            if (values.isEmpty() || values.contains(null)) {
                throw new IllegalArgumentException(
                        field + ": an empty list or entry matches nothing; leave the field out to match any");
            }
            return List.copyOf(values);
        }

        private static <E> Set<E> set(List<E> values, String field) {
            List<E> checked = list(values, field);
            return checked == null ? null : Set.copyOf(new LinkedHashSet<>(checked));
        }

        private static Map<String, Glob> tags(Map<String, Glob> tags) {
            if (tags == null) {
                return null;
            }
            if (tags.isEmpty()) {
                throw new IllegalArgumentException("tags: an empty mapping; leave the field out to match any");
            }
            for (Map.Entry<String, Glob> t : tags.entrySet()) {
                if (t.getKey().isBlank() || t.getValue() == null) {
                    throw new IllegalArgumentException(
                            "tags: each tag needs a key and a value pattern (\"*\" for any value)");
                }
            }
            return Map.copyOf(tags);
        }
    }

    /** A single scalar turned into a value; a bad one is refused at its own line. */
    abstract static class Scalar<T> extends StdDeserializer<T> {
        private final Function<String, T> convert;

        Scalar(Class<?> type, Function<String, T> convert) {
            super(type);
            this.convert = convert;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                throw new JsonMappingException(p, "expected a single value here", p.currentTokenLocation());
            }
            try {
                return convert.apply(p.getText());
            } catch (IllegalArgumentException e) {
                throw new JsonMappingException(p, e.getMessage(), p.currentTokenLocation());
            }
        }
    }

    static final class NameDeserializer extends Scalar<String> {
        NameDeserializer() {
            super(String.class, s -> {
                if (!s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                    throw new IllegalArgumentException("bad policy name '" + s
                            + "' (letters, digits, '.', '_' and '-', at most 64, as it becomes a metric label)");
                }
                if (s.equals(OwnGroup.NAME)) {
                    // the ledger and the messages would show such a policy's decisions as the exemption's
                    throw new IllegalArgumentException("policy name '" + s + "' is reserved for sgwarden's own"
                            + " load balancer group");
                }
                return s;
            });
        }
    }

    static final class ActionDeserializer extends Scalar<Action> {
        ActionDeserializer() {
            super(Action.class, Action::of);
        }
    }

    static final class PostDeserializer extends Scalar<Post> {
        PostDeserializer() {
            super(Post.class, Post::of);
        }
    }

    static final class BooleanDeserializer extends Scalar<Boolean> {
        BooleanDeserializer() {
            super(Boolean.class, s -> switch (s) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("expected true or false, not '" + s + "'");
            });
        }
    }

    static final class DirectionDeserializer extends Scalar<Direction> {
        DirectionDeserializer() {
            super(Direction.class, s -> switch (s) {
                case "ingress" -> Direction.INGRESS;
                case "egress" -> Direction.EGRESS;
                default -> throw new IllegalArgumentException("unknown direction '" + s + "' (use ingress or egress)");
            });
        }
    }

    static final class EventDeserializer extends Scalar<EventKind> {
        EventDeserializer() {
            super(EventKind.class, EventKind::of);
        }
    }

    static final class PeerDeserializer extends Scalar<PeerKind> {
        PeerDeserializer() {
            super(PeerKind.class, PeerKind::of);
        }
    }

    static final class AccountDeserializer extends Scalar<String> {
        AccountDeserializer() {
            super(String.class, s -> {
                if (!s.matches("\\d{12}")) {
                    throw new IllegalArgumentException("bad account '" + s + "' (an account ID is 12 digits)");
                }
                return s;
            });
        }
    }

    static final class RegionDeserializer extends Scalar<String> {
        RegionDeserializer() {
            super(String.class, s -> {
                if (!s.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
                    throw new IllegalArgumentException("bad region '" + s + "' (like eu-west-1)");
                }
                return s;
            });
        }
    }

    static final class ProtocolDeserializer extends Scalar<String> {
        ProtocolDeserializer() {
            super(String.class, PolicyParser::protocol);
        }
    }

    static final class PortsDeserializer extends Scalar<PortRange> {
        PortsDeserializer() {
            super(PortRange.class, PortRange::parse);
        }
    }

    static final class ArnGlobDeserializer extends Scalar<Glob> {
        ArnGlobDeserializer() {
            super(Glob.class, Glob::arn);
        }
    }

    static final class TextGlobDeserializer extends Scalar<Glob> {
        TextGlobDeserializer() {
            super(Glob.class, Glob::text);
        }
    }

    static final class IdentityTypeDeserializer extends Scalar<String> {
        /** userIdentity.type values CloudTrail documents. */
        static final List<String> TYPES = List.of("Root", "IAMUser", "AssumedRole", "Role", "FederatedUser",
                "Directory", "AWSAccount", "AWSService", "IdentityCenterUser", "SAMLUser", "WebIdentityUser",
                "Unknown");

        IdentityTypeDeserializer() {
            super(String.class, s -> {
                for (String t : TYPES) {
                    if (t.equalsIgnoreCase(s)) {
                        return t.toLowerCase(Locale.ROOT);
                    }
                }
                throw new IllegalArgumentException(
                        "unknown identity type '" + s + "' (use " + String.join(", ", TYPES) + ")");
            });
        }
    }

    /** The names the CloudTrail parser gives protocols: tcp, udp, icmp, icmpv6, all, or a number. */
    static String protocol(String raw) {
        String p = raw.trim().toLowerCase(Locale.ROOT);
        switch (p) {
            case "-1", "all" :
                return "all";
            case "6", "tcp" :
                return "tcp";
            case "17", "udp" :
                return "udp";
            case "1", "icmp" :
                return "icmp";
            case "58", "icmpv6" :
                return "icmpv6";
            default :
                if (p.matches("\\d{1,3}") && Integer.parseInt(p) <= 255) {
                    return String.valueOf(Integer.parseInt(p));
                }
                throw new IllegalArgumentException("unknown protocol '" + raw
                        + "' (use tcp, udp, icmp, icmpv6, all, or a protocol number 0 to 255)");
        }
    }
}
