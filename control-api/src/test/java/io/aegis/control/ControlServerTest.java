package io.aegis.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's own answers, over a data plane that accepts everything and can be made not ready. */
class ControlServerTest {
    @TempDir
    Path dir;

    private final AtomicBoolean ready = new AtomicBoolean();

    private final DataPlane plane = new DataPlane() {
        @Override
        public ObjectNode initialDocument() {
            return Json.mapper().createObjectNode();
        }

        @Override
        public ObjectNode tenantSettings(String id, String body) throws ChangeRejected {
            if (body.contains("bad")) {
                throw new ChangeRejected(List.of(new Problem("limits.requests_per_minute", 2, 3, "must be a number")));
            }
            return Json.mapper().createObjectNode();
        }

        @Override
        public ObjectNode samplingSettings(String body) {
            return Json.mapper().createObjectNode();
        }

        @Override
        public Staged stage(ObjectNode document, long version) {
            return () -> ready.set(true);
        }

        @Override
        public boolean ready() {
            return ready.get();
        }

        @Override
        public String metrics() {
            return "m 1\n";
        }

        @Override
        public ObjectNode usage(String tenant) {
            return null;
        }

        @Override
        public ObjectNode dashboard() {
            return Json.mapper().createObjectNode().put("time_ms", 7);
        }

        @Override
        public List<String> recentEvents(String where, int limit) {
            if (where != null && where.contains("(")) {
                throw new IllegalArgumentException("ERROR: <input>:1:1: Syntax error");
            }
            return List.of(Json.mapper().createObjectNode().put("where", where).put("limit", limit).toString());
        }
    };

    @Test
    void thePageNeedsNoTokenAndItsDataDoes() throws Exception {
        AdminToken token = AdminToken.resolve("T", name -> "secret", dir);
        HttpClient http = HttpClient.newHttpClient();
        ControlService service = ControlService.start(new ConfigStore(dir), plane, null);
        try (ControlServer server = ControlServer.start(new InetSocketAddress("127.0.0.1", 0), service, token)) {
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> page = send(http, "GET", base + "/", null, null);
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("id=\"login-form\""), "the page asks for the token");
            String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), policy);
            assertEquals(200, send(http, "GET", base + "/dashboard/app.js", null, null).statusCode());
            assertEquals(200, send(http, "GET", base + "/dashboard/app.css", null, null).statusCode());
            assertEquals(401, send(http, "GET", base + "/dashboard/other.js", null, null).statusCode(),
                    "nothing else is served without a token");
            assertEquals(405, send(http, "POST", base + "/", "x", null).statusCode());

            assertEquals(401, send(http, "GET", base + "/v1/dashboard", null, null).statusCode());
            assertEquals(401, send(http, "GET", base + "/v1/dashboard", null, "wrong").statusCode());
            assertEquals(401, send(http, "GET", base + "/v1/events", null, null).statusCode());
            HttpResponse<String> data = send(http, "GET", base + "/v1/dashboard", null, "secret");
            assertEquals(200, data.statusCode());
            assertEquals(7, Json.mapper().readTree(data.body()).path("time_ms").asInt());
            HttpResponse<String> events = send(http, "GET", base + "/v1/events?limit=5&where=tenant%20%3D%3D%20%22acme%22",
                    null, "secret");
            assertEquals(200, events.statusCode());
            var event = Json.mapper().readTree(events.body()).path("events").get(0);
            assertEquals("tenant == \"acme\"", event.path("where").asText());
            assertEquals(5, event.path("limit").asInt());
            HttpResponse<String> bad = send(http, "GET", base + "/v1/events?where=(", null, "secret");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("Syntax error"), bad.body());
        }
    }

    @Test
    void readinessRefusalsAndUnknownPaths() throws Exception {
        AdminToken token = AdminToken.resolve("T", name -> "secret", dir);
        HttpClient http = HttpClient.newHttpClient();
        ControlService service = ControlService.start(new ConfigStore(dir), plane, null);
        try (ControlServer server = ControlServer.start(new InetSocketAddress("127.0.0.1", 0), service, token)) {
            String base = "http://127.0.0.1:" + server.port();
            ready.set(false);
            assertEquals(503, send(http, "GET", base + "/readyz", null, null).statusCode(), "not ready yet");
            ready.set(true);
            assertEquals(200, send(http, "GET", base + "/readyz", null, null).statusCode());

            assertEquals(404, send(http, "GET", base + "/v1/nothing", null, "secret").statusCode());
            assertEquals(405, send(http, "DELETE", base + "/v1/config", null, "secret").statusCode());
            assertEquals(404, send(http, "GET", base + "/v1/usage?tenant=ghost", null, "secret").statusCode());
            assertEquals(413, send(http, "PUT", base + "/v1/tenants/acme", "x".repeat(ControlServer.MAX_BODY_BYTES + 1),
                    "secret").statusCode());

            HttpResponse<String> refused = send(http, "PUT", base + "/v1/tenants/acme", "bad", "secret");
            assertEquals(400, refused.statusCode());
            var problem = Json.mapper().readTree(refused.body()).path("error").path("problems").get(0);
            assertEquals("limits.requests_per_minute", problem.path("path").asText());
            assertEquals(2, problem.path("line").asInt());
            assertEquals(3, problem.path("column").asInt());
            assertEquals(1, service.current().version(), "a refused change makes no version");

            HttpResponse<String> accepted = send(http, "PUT", base + "/v1/tenants/acme", "limits: {}", "secret");
            assertEquals(200, accepted.statusCode());
            assertTrue(accepted.body().contains("\"version\" : 2"), accepted.body());
            assertEquals("m 1\n", send(http, "GET", base + "/metrics", null, "secret").body());
        }
    }

    private static HttpResponse<String> send(HttpClient http, String method, String url, String body, String token)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
