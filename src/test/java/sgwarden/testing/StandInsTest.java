package sgwarden.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.GetQueryResultsResponse;

/**
 * The stand-ins refuse what Slack and AWS refuse, in the shape they refuse it: if one of them were
 * more forgiving than the real thing, a service that breaks in production would pass its tests.
 */
class StandInsTest {

    static final SlackStandIn slack = new SlackStandIn();
    static final LakeStandIn lake = new LakeStandIn();
    static final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    static void stop() {
        slack.stop();
        lake.stop();
    }

    static HttpResponse<String> post(String url, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String blocks(int count, int textLength) {
        List<String> blocks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            blocks.add("{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"" + "x".repeat(textLength)
                    + "\"}}");
        }
        return "[" + String.join(",", blocks) + "]";
    }

    static HttpResponse<String> postMessage(String token, String channel, String blocks) throws Exception {
        String form = "channel=" + URLEncoder.encode(channel, StandardCharsets.UTF_8) + "&text=hi&blocks="
                + URLEncoder.encode(blocks, StandardCharsets.UTF_8);
        return token == null
                ? post(slack.baseUrl() + "/api/chat.postMessage", "application/x-www-form-urlencoded", form)
                : post(slack.baseUrl() + "/api/chat.postMessage", "application/x-www-form-urlencoded", form,
                        "Authorization", "Bearer " + token);
    }

    @Test
    void slackRefusesMoreThanFiftyBlocksOrASectionOverThreeThousandCharacters() throws Exception {
        String ok = "{\"text\":\"hi\",\"blocks\":" + blocks(50, 3000) + "}";
        assertEquals(200, post(slack.webhookUrl(), "application/json", ok).statusCode());
        for (String bad : List.of(blocks(51, 10), blocks(1, 3001))) {
            HttpResponse<String> webhook = post(slack.webhookUrl(), "application/json",
                    "{\"text\":\"hi\",\"blocks\":" + bad + "}");
            assertEquals(400, webhook.statusCode());
            assertEquals("invalid_blocks", webhook.body());
            HttpResponse<String> api = postMessage(SlackStandIn.BOT_TOKEN, SlackStandIn.CHANNEL, bad);
            assertEquals(200, api.statusCode());
            assertEquals("{\"ok\":false,\"error\":\"invalid_blocks\"}", api.body());
            HttpResponse<String> response = post(slack.newResponseUrl(), "application/json",
                    "{\"replace_original\":true,\"blocks\":" + bad + "}");
            assertEquals(400, response.statusCode());
        }
    }

    @Test
    void theWebApiWantsTheBotTokenAndAChannelTheBotIsIn() throws Exception {
        String one = blocks(1, 10);
        assertTrue(postMessage(SlackStandIn.BOT_TOKEN, SlackStandIn.CHANNEL, one).body().startsWith("{\"ok\":true"));
        HttpResponse<String> missing = postMessage(null, SlackStandIn.CHANNEL, one);
        assertEquals(200, missing.statusCode());
        assertEquals("{\"ok\":false,\"error\":\"not_authed\"}", missing.body());
        HttpResponse<String> wrong = postMessage("xoxb-not-the-token", SlackStandIn.CHANNEL, one);
        assertEquals(200, wrong.statusCode());
        assertEquals("{\"ok\":false,\"error\":\"invalid_auth\"}", wrong.body());
        assertEquals("{\"ok\":false,\"error\":\"not_in_channel\"}",
                postMessage(SlackStandIn.BOT_TOKEN, SlackStandIn.OTHER_CHANNEL, one).body());
        assertEquals("{\"ok\":false,\"error\":\"channel_not_found\"}",
                postMessage(SlackStandIn.BOT_TOKEN, "C0NOSUCH", one).body());
        assertEquals(404, post(slack.baseUrl() + "/services/T0/B0/guessed", "application/json", "{\"text\":\"hi\"}")
                .statusCode());
        assertTrue(slack.messages().stream().allMatch(r -> r.error() == null));
    }

    /** chat.update edits a message chat.postMessage answered for: its channel ID and ts, nothing else. */
    @Test
    void chatUpdateTakesTheChannelAndTsOfAPostedMessage() throws Exception {
        String answer = postMessage(SlackStandIn.BOT_TOKEN, SlackStandIn.CHANNEL, blocks(1, 10)).body();
        String ts = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer).path("ts").asText();
        assertTrue(ts.matches("\\d{10}\\.\\d{6}"), ts);
        String second = postMessage(SlackStandIn.BOT_TOKEN, SlackStandIn.CHANNEL, blocks(1, 10)).body();
        assertNotEquals(ts, new com.fasterxml.jackson.databind.ObjectMapper().readTree(second).path("ts").asText());
        String auth = "Bearer " + SlackStandIn.BOT_TOKEN;
        String url = slack.baseUrl() + "/api/chat.update";
        assertTrue(post(url, "application/x-www-form-urlencoded", "channel=" + SlackStandIn.CHANNEL + "&ts=" + ts
                + "&text=edited", "Authorization", auth).body().startsWith("{\"ok\":true"));
        assertEquals("{\"ok\":false,\"error\":\"message_not_found\"}", post(url, "application/x-www-form-urlencoded",
                "channel=" + SlackStandIn.CHANNEL + "&ts=1.000001&text=edited", "Authorization", auth).body());
        assertEquals("{\"ok\":false,\"error\":\"channel_not_found\"}", post(url, "application/x-www-form-urlencoded",
                "channel=%23security&ts=" + ts + "&text=edited", "Authorization", auth).body());
        assertEquals("{\"ok\":false,\"error\":\"not_authed\"}", post(url, "application/x-www-form-urlencoded",
                "channel=" + SlackStandIn.CHANNEL + "&ts=" + ts + "&text=edited").body());
    }

    @Test
    void aResponseUrlTakesFivePostsAndRefusesTheSixth() throws Exception {
        String url = slack.newResponseUrl();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, post(url, "application/json", "{\"text\":\"update " + i + "\"}").statusCode());
        }
        HttpResponse<String> sixth = post(url, "application/json", "{\"text\":\"one too many\"}");
        assertEquals(404, sixth.statusCode());
        assertEquals("used_url", sixth.body());
    }

    @Test
    void theLakeRefusesUnsignedAndBadlySignedRequests() throws Exception {
        String body = "{\"QueryStatement\":\"SELECT eventJson FROM " + lake.eventDataStore() + "\"}";
        HttpResponse<String> unsigned = post(lake.endpoint(), "application/x-amz-json-1.1", body,
                "X-Amz-Target", "CloudTrail_20131101.StartQuery");
        assertEquals(400, unsigned.statusCode());
        assertTrue(unsigned.body().contains("MissingAuthenticationTokenException"), unsigned.body());
        HttpResponse<String> forged = post(lake.endpoint(), "application/x-amz-json-1.1", body,
                "X-Amz-Target", "CloudTrail_20131101.StartQuery", "X-Amz-Date", "20261128T000000Z",
                "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/us-east-1/cloudtrail/aws4_request");
        assertEquals(403, forged.statusCode());
        assertTrue(forged.body().contains("IncompleteSignatureException"), forged.body());
        assertTrue(lake.statements().isEmpty(), "neither reached the query engine");
    }

    @Test
    void theLakeHonoursOrderByAndShufflesRowsWithoutIt() {
        Instant base = Instant.now().minusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<String> newestFirst = new ArrayList<>();
        for (int i = 5; i >= 0; i--) {
            newestFirst
                    .add("{\"eventID\":\"e" + i + "\",\"eventName\":\"AuthorizeSecurityGroupIngress\",\"eventTime\":\""
                            + base.plusSeconds(60L * i) + "\"}");
        }
        lake.seedAll(newestFirst);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        String where = "SELECT eventJson FROM " + lake.eventDataStore() + " WHERE eventTime >= '"
                + f.format(base.minusSeconds(60)) + "' AND eventTime <= '" + f.format(Instant.now()) + "'";
        List<String> ascending = List.of("e0", "e1", "e2", "e3", "e4", "e5");
        try (CloudTrailClient client = CloudTrailClient.builder().endpointOverride(URI.create(lake.endpoint()))
                .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSTANDINTEST1", "s")))
                .build()) {
            assertEquals(ascending, ids(client, where + " ORDER BY eventTime ASC"));
            assertEquals(List.of("e5", "e4", "e3", "e2", "e1", "e0"), ids(client, where + " ORDER BY eventTime DESC"));
            for (int i = 0; i < 5; i++) {
                List<String> unordered = ids(client, where);
                assertEquals(6, unordered.size());
                assertNotEquals(ascending, unordered);
            }
        }
        assertTrue(lake.signingKeys().stream().allMatch("AKIDSTANDINTEST1"::equals));
    }

    @Test
    void theLakeHonoursTheEventSource() {
        Instant now = Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        // the same name from another service: only its source tells it apart
        lake.seedAll(List.of(
                "{\"eventID\":\"ec2\",\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"CreateTags\","
                        + "\"eventTime\":\"" + now + "\"}",
                "{\"eventID\":\"other\",\"eventSource\":\"workspaces.amazonaws.com\",\"eventName\":\"CreateTags\","
                        + "\"eventTime\":\"" + now + "\"}"));
        String select = "SELECT eventJson FROM " + lake.eventDataStore() + " WHERE ";
        String rest = "eventName IN ('CreateTags') ORDER BY eventTime ASC";
        try (CloudTrailClient client = CloudTrailClient.builder().endpointOverride(URI.create(lake.endpoint()))
                .region(Region.US_EAST_1).httpClientBuilder(ApacheHttpClient.builder())
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSTANDINTEST1", "s")))
                .build()) {
            assertEquals(List.of("ec2"), ids(client, select + "eventSource = 'ec2.amazonaws.com' AND " + rest));
            assertEquals(List.of("other"),
                    ids(client, select + "eventSource IN ('workspaces.amazonaws.com') AND " + rest));
            assertEquals(2, ids(client, select + rest).size(), "no source filter: both");
        } finally {
            // the other tests share the stand-in and count its statements and rows
            lake.reset();
        }
    }

    static List<String> ids(CloudTrailClient client, String sql) {
        String id = client.startQuery(b -> b.queryStatement(sql)).queryId();
        GetQueryResultsResponse page;
        do {
            page = client.getQueryResults(b -> b.queryId(id).maxQueryResults(1000));
        } while (!"FINISHED".equals(page.queryStatusAsString()));
        List<String> ids = new ArrayList<>();
        String token;
        while (true) {
            page.queryResultRows().forEach(row -> row.forEach((Map<String, String> col) -> ids.add(
                    col.get("eventJson").replaceAll(".*\"eventID\":\"([^\"]+)\".*", "$1"))));
            token = page.nextToken();
            if (token == null) {
                return ids;
            }
            String next = token;
            page = client.getQueryResults(b -> b.queryId(id).nextToken(next).maxQueryResults(1000));
        }
    }
}
