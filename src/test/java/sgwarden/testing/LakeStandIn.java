package sgwarden.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for CloudTrail Lake (AWS JSON 1.1, target CloudTrail_20131101.*): StartQuery,
 * GetQueryResults and CancelQuery. A query passes through QUEUED and RUNNING before FINISHED
 * (one state per status poll), honours the eventSource and eventName filters, the eventTime bounds and the
 * ORDER BY eventTime of its SQL (without one the rows come back shuffled), and hands its rows out
 * in pages linked by NextToken. A query can be made to end FAILED, CANCELLED or TIMED_OUT, or to
 * run for ever. Like AWS it refuses a request without a Signature Version 4 Authorization header.
 */
public final class LakeStandIn {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter LAKE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern FROM = Pattern.compile("FROM\\s+([A-Za-z0-9-]+)");
    private static final Pattern NAMES = Pattern.compile("eventName\\s+IN\\s*\\(([^)]*)\\)");
    private static final Pattern SOURCES = Pattern.compile(
            "eventSource\\s*(?:=\\s*'([^']*)'|IN\\s*\\(([^)]*)\\))", Pattern.CASE_INSENSITIVE);
    private static final Pattern AFTER = Pattern.compile("eventTime\\s*>=\\s*'([^']+)'");
    private static final Pattern BEFORE = Pattern.compile("eventTime\\s*<=\\s*'([^']+)'");
    private static final Pattern ORDER_BY = Pattern.compile("ORDER\\s+BY\\s+eventTime(\\s+(ASC|DESC))?\\s*$",
            Pattern.CASE_INSENSITIVE);
    /** AWS Signature Version 4, as the SDK writes it for CloudTrail. */
    private static final Pattern SIGV4 = Pattern.compile("AWS4-HMAC-SHA256 Credential=([A-Z0-9]{16,128})/(\\d{8})/"
            + "([a-z0-9-]+)/cloudtrail/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}");

    record Event(Instant time, String name, String source, String json) {
    }

    private static final class Query {
        final String id = UUID.randomUUID().toString();
        final long started = System.nanoTime();
        final List<String> rows;
        final Deque<String> states;
        volatile String status = "QUEUED";
        final String store;

        Query(String store, List<String> rows, List<String> states) {
            this.store = store;
            this.rows = rows;
            this.states = new ConcurrentLinkedDeque<>(states);
        }
    }

    private final HttpServer server;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> statements = new CopyOnWriteArrayList<>();
    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private final Map<String, Query> queries = new ConcurrentHashMap<>();
    private final Deque<List<String>> scriptedRuns = new ConcurrentLinkedDeque<>();
    private volatile int pageSize = 2;
    private volatile String eventDataStore = "EDS-SGWARDEN-0001";

    public LakeStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String eventDataStore() {
        return eventDataStore;
    }

    public void reset() {
        events.clear();
        statements.clear();
        credentials.clear();
        cancelled.clear();
        queries.clear();
        scriptedRuns.clear();
        pageSize = 2;
    }

    public void stop() {
        server.stop(0);
    }

    /** Rows per page at most; the smaller of this and the caller's MaxQueryResults wins. */
    public void pageSize(int rows) {
        this.pageSize = rows;
    }

    /** Makes several events visible at once: no query sees some of them without the others. */
    public void seedAll(List<String> eventJsons) {
        List<Event> parsed = new ArrayList<>();
        for (String json : eventJsons) {
            parsed.add(event(json));
        }
        events.addAll(parsed);
    }

    /** Makes an event visible to queries whose window and names include it. */
    public void seed(String eventJson) {
        events.add(event(eventJson));
    }

    private static Event event(String eventJson) {
        try {
            JsonNode record = JSON.readTree(eventJson);
            Instant time = record.hasNonNull("eventTime") ? Instant.parse(record.get("eventTime").asText())
                    : Instant.now();
            String name = record.path("eventName").asText("AuthorizeSecurityGroupIngress");
            String source = record.path("eventSource").asText("ec2.amazonaws.com");
            return new Event(time, name, source, eventJson);
        } catch (Exception e) {
            // a record that is not JSON still comes back from the Lake as it was stored
            return new Event(Instant.now(), "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", eventJson);
        }
    }

    /** The next query goes through these states (e.g. QUEUED, FAILED) instead of QUEUED, RUNNING, FINISHED. */
    public void nextQueryStates(String... states) {
        scriptedRuns.add(List.of(states));
    }

    public List<String> statements() {
        return List.copyOf(statements);
    }

    /** Access key IDs the requests were signed with. */
    public List<String> signingKeys() {
        return List.copyOf(credentials);
    }

    /** IDs of the queries the caller cancelled. */
    public List<String> cancelledQueries() {
        return List.copyOf(cancelled);
    }

    /** IDs of queries started, in order. */
    public List<String> startedQueries() {
        return queries.values().stream().sorted(Comparator.comparing(q -> q.started)).map(q -> q.id).toList();
    }

    public long finishedQueries() {
        return queries.values().stream().filter(q -> q.status.equals("FINISHED")).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        Matcher signed = auth == null ? null : SIGV4.matcher(auth);
        if (signed == null || !signed.matches() || !signed.group(4).contains("x-amz-date")
                || exchange.getRequestHeaders().getFirst("X-Amz-Date") == null) {
            // as AWS answers a request without a well-formed Signature Version 4
            answer(exchange, auth == null ? 400 : 403, JSON.createObjectNode()
                    .put("__type",
                            auth == null ? "MissingAuthenticationTokenException" : "IncompleteSignatureException")
                    .put("message", auth == null ? "Missing Authentication Token"
                            : "Authorization header requires a well-formed Signature Version 4"));
            return;
        }
        credentials.add(signed.group(1));
        String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
        String operation = target.substring(target.lastIndexOf('.') + 1);
        JsonNode request = JSON.readTree(body.length == 0 ? "{}".getBytes() : body);
        try {
            ObjectNode response = switch (operation) {
                case "StartQuery" -> startQuery(request);
                case "GetQueryResults" -> getQueryResults(request);
                case "CancelQuery" -> cancelQuery(request);
                default ->
                    throw new LakeError("UnsupportedOperationException", "not served by the stand-in: " + target);
            };
            answer(exchange, 200, response);
        } catch (LakeError e) {
            ObjectNode error = JSON.createObjectNode().put("__type", e.type).put("message", e.getMessage());
            answer(exchange, 400, error);
        }
    }

    private ObjectNode startQuery(JsonNode request) {
        String sql = request.path("QueryStatement").asText(null);
        if (sql == null) {
            throw new LakeError("InvalidParameterException", "QueryStatement is required");
        }
        statements.add(sql);
        Matcher from = FROM.matcher(sql);
        if (!from.find() || !from.group(1).equals(eventDataStore)) {
            throw new LakeError("EventDataStoreNotFoundException", "The specified event data store was not found.");
        }
        Set<String> names = Set.of();
        Matcher n = NAMES.matcher(sql);
        if (n.find()) {
            names = Pattern.compile(",").splitAsStream(n.group(1)).map(s -> s.trim().replace("'", ""))
                    .collect(Collectors.toSet());
        }
        Set<String> sources = Set.of();
        Matcher s = SOURCES.matcher(sql);
        if (s.find()) {
            sources = s.group(1) != null ? Set.of(s.group(1))
                    : Pattern.compile(",").splitAsStream(s.group(2)).map(v -> v.trim().replace("'", ""))
                            .collect(Collectors.toSet());
        }
        Instant after = bound(AFTER, sql, Instant.MIN);
        Instant before = bound(BEFORE, sql, Instant.MAX);
        Set<String> wanted = names;
        Set<String> fromSources = sources;
        List<Event> matching = new ArrayList<>(events.stream()
                .filter(e -> wanted.isEmpty() || wanted.contains(e.name()))
                .filter(e -> fromSources.isEmpty() || fromSources.contains(e.source()))
                .filter(e -> !e.time().isBefore(after) && !e.time().isAfter(before)).toList());
        Matcher order = ORDER_BY.matcher(sql.trim());
        if (order.find()) {
            Comparator<Event> byTime = Comparator.comparing(Event::time);
            matching.sort("DESC".equalsIgnoreCase(order.group(2)) ? byTime.reversed() : byTime);
        } else {
            shuffle(matching);
        }
        List<String> rows = matching.stream().map(Event::json).toList();
        List<String> states = scriptedRuns.poll();
        Query query = new Query(from.group(1), new ArrayList<>(rows),
                states == null ? List.of("QUEUED", "RUNNING", "FINISHED") : states);
        query.status = query.states.poll();
        queries.put(query.id, query);
        return JSON.createObjectNode().put("QueryId", query.id);
    }

    /**
     * Without ORDER BY a SQL engine owes no order: rows come back shuffled, and never in time order
     * when there are two or more distinct times, so a caller relying on an order it did not ask
     * for is caught every time.
     */
    static void shuffle(List<Event> rows) {
        if (rows.stream().map(Event::time).distinct().count() < 2) {
            return;
        }
        List<Event> sorted = rows.stream().sorted(Comparator.comparing(Event::time)).toList();
        do {
            java.util.Collections.shuffle(rows);
        } while (rows.stream().map(Event::time).toList().equals(sorted.stream().map(Event::time).toList()));
    }

    private ObjectNode getQueryResults(JsonNode request) {
        Query query = queries.get(request.path("QueryId").asText());
        if (query == null) {
            throw new LakeError("QueryIdNotFoundException", "The query ID does not exist or does not map to a query.");
        }
        if (request.hasNonNull("EventDataStore") && !request.get("EventDataStore").asText().endsWith(query.store)) {
            throw new LakeError("EventDataStoreNotFoundException", "The specified event data store was not found.");
        }
        ObjectNode response = JSON.createObjectNode();
        if (!query.status.equals("FINISHED")) {
            response.put("QueryStatus", query.status);
            if (!query.status.equals("QUEUED") && !query.status.equals("RUNNING")) {
                response.put("ErrorMessage", "Query ended " + query.status + " in the stand-in, as scripted");
            }
            String next = query.states.poll();
            if (next != null) {
                query.status = next;
            }
            return response;
        }
        int max = request.hasNonNull("MaxQueryResults") ? request.get("MaxQueryResults").asInt() : 1000;
        if (max < 1 || max > 1000) {
            throw new LakeError("InvalidMaxResultsException", "MaxQueryResults must be between 1 and 1000");
        }
        int offset = 0;
        if (request.hasNonNull("NextToken")) {
            try {
                offset = Integer.parseInt(request.get("NextToken").asText().substring("page-".length()));
            } catch (RuntimeException e) {
                throw new LakeError("InvalidNextTokenException", "A token that is not valid was specified.");
            }
        }
        int size = Math.min(max, pageSize);
        int end = Math.min(query.rows.size(), offset + size);
        ArrayNode rows = response.putArray("QueryResultRows");
        for (String row : query.rows.subList(offset, end)) {
            rows.addArray().addObject().put("eventJson", row);
        }
        response.put("QueryStatus", "FINISHED");
        ObjectNode stats = response.putObject("QueryStatistics");
        stats.put("ResultsCount", end - offset).put("TotalResultsCount", query.rows.size())
                .put("BytesScanned", query.rows.stream().mapToLong(String::length).sum());
        if (end < query.rows.size()) {
            response.put("NextToken", "page-" + end);
        }
        return response;
    }

    private ObjectNode cancelQuery(JsonNode request) {
        Query query = queries.get(request.path("QueryId").asText());
        if (query == null) {
            throw new LakeError("QueryIdNotFoundException", "The query ID does not exist or does not map to a query.");
        }
        if (!query.status.equals("QUEUED") && !query.status.equals("RUNNING")) {
            throw new LakeError("InactiveQueryException", "The specified query cannot be canceled because it is in the "
                    + query.status + " state.");
        }
        cancelled.add(query.id);
        query.status = "CANCELLED";
        query.states.clear();
        return JSON.createObjectNode().put("QueryId", query.id).put("QueryStatus", "CANCELLED");
    }

    private static Instant bound(Pattern p, String sql, Instant otherwise) {
        Matcher m = p.matcher(sql);
        return m.find() ? LocalDateTime.parse(m.group(1), LAKE_TIME).toInstant(ZoneOffset.UTC) : otherwise;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final class LakeError extends RuntimeException {
        final String type;

        LakeError(String type, String message) {
            super(message);
            this.type = type;
        }
    }
}
