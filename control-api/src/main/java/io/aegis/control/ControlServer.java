package io.aegis.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control API's HTTP server (control-api/README.md) on {@code control.listen}: the JDK's own server on two
 * threads of its own, never on the data plane's event loops. Everything but {@code /healthz} and
 * {@code /readyz} needs {@code Authorization: Bearer <admin token>}. Answers are JSON (Prometheus
 * text for {@code /metrics}, YAML for {@code GET /v1/rules} when asked for); refusals carry every
 * problem as {@code {"error": {"message", "problems": [{"path", "line", "column", "message"}]}}}.
 */
public final class ControlServer implements AutoCloseable {
    /** Larger bodies are refused (413): rule files and tenant settings are small. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final Pattern TENANT = Pattern.compile("/v1/tenants/([A-Za-z0-9][A-Za-z0-9._-]{0,63})");
    private static final Pattern TENANT_KEYS = Pattern.compile("/v1/tenants/([A-Za-z0-9][A-Za-z0-9._-]{0,63})/keys");
    private static final Pattern TENANT_KEY = Pattern.compile(
            "/v1/tenants/([A-Za-z0-9][A-Za-z0-9._-]{0,63})/keys/([0-9a-f]{6,64})");
    private static final Pattern ACTOR = Pattern.compile("[A-Za-z0-9@._+-]{1,64}");

    private final ControlService service;
    private final AdminToken token;
    private final HttpServer server;
    private final ExecutorService threads;
    private final ObjectMapper json = Json.mapper();
    private final DashboardFiles dashboard = DashboardFiles.load();

    private ControlServer(ControlService service, AdminToken token, HttpServer server, ExecutorService threads) {
        this.service = service;
        this.token = token;
        this.server = server;
        this.threads = threads;
    }

    public static ControlServer start(InetSocketAddress address, ControlService service, AdminToken token)
            throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "aegis-control-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        ControlServer control = new ControlServer(service, token, server, threads);
        server.createContext("/", control::handle);
        server.start();
        return control;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            try {
                route(exchange, method, path);
            } catch (ChangeRejected e) {
                send(exchange, 400, error("the change was refused; nothing was applied", e.problems()));
            } catch (ControlService.UnknownTarget e) {
                send(exchange, 404, error(e.getMessage(), List.of()));
            } catch (BadRequest e) {
                send(exchange, e.status, error(e.getMessage(), List.of()));
            } catch (RuntimeException e) {
                send(exchange, 500, error("the control API failed: " + e.getClass().getSimpleName()
                        + "; see the gateway log", List.of()));
                org.slf4j.LoggerFactory.getLogger(ControlServer.class).error("control API request failed", e);
            }
        }
    }

    private void route(HttpExchange exchange, String method, String path)
            throws IOException, ChangeRejected, ControlService.UnknownTarget, BadRequest {
        if (path.equals("/healthz")) {
            allow(method, "GET");
            sendText(exchange, 200, "text/plain", "ok\n");
            return;
        }
        if (path.equals("/readyz")) {
            allow(method, "GET");
            boolean ready = service.dataPlane().ready();
            sendText(exchange, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "not ready\n");
            return;
        }
        DashboardFiles.File file = dashboard.get(path);
        if (file != null) {
            // The page itself needs no token: it asks for one and sends it with every data request.
            allow(method, "GET");
            dashboard.send(exchange, file);
            return;
        }
        if (!token.admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"aegis-control\"");
            send(exchange, 401, error("missing or wrong admin token: send Authorization: Bearer <token>"
                    + " (from $AEGIS_ADMIN_TOKEN or DATA_DIR/admin.token)", List.of()));
            return;
        }
        String actor = actor(exchange);
        Matcher m;
        if (path.equals("/metrics")) {
            allow(method, "GET");
            sendText(exchange, 200, "text/plain; version=0.0.4", service.dataPlane().metrics());
        } else if (path.equals("/v1/config")) {
            allow(method, "GET");
            send(exchange, 200, config());
        } else if (path.equals("/v1/config/rollback")) {
            allow(method, "POST");
            JsonNode body = jsonBody(exchange);
            if (!body.path("version").canConvertToLong()) {
                throw new BadRequest(400, "send {\"version\": N} with the version to go back to");
            }
            send(exchange, 200, versionJson(service.rollback(actor, body.get("version").asLong())));
        } else if (path.equals("/v1/rules")) {
            if (allow(method, "GET", "PUT").equals("GET")) {
                getRules(exchange);
            } else {
                send(exchange, 200, versionJson(service.replaceRules(actor, ruleFiles(exchange))));
            }
        } else if (path.equals("/v1/sampling")) {
            if (allow(method, "GET", "PUT").equals("GET")) {
                ObjectNode out = json.createObjectNode();
                out.put("version", service.current().version());
                out.set("sampling", service.current().document().path("sampling"));
                send(exchange, 200, out);
            } else {
                send(exchange, 200, versionJson(service.replaceSampling(actor, body(exchange))));
            }
        } else if (path.equals("/v1/usage")) {
            allow(method, "GET");
            String tenant = query(exchange).get("tenant");
            if (tenant == null) {
                throw new BadRequest(400, "name a tenant: /v1/usage?tenant=ID");
            }
            ObjectNode usage = service.dataPlane().usage(tenant);
            if (usage == null) {
                throw new ControlService.UnknownTarget("no tenant '" + tenant + "'");
            }
            send(exchange, 200, usage);
        } else if (path.equals("/v1/dashboard")) {
            allow(method, "GET");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            send(exchange, 200, service.dataPlane().dashboard());
        } else if (path.equals("/v1/events")) {
            allow(method, "GET");
            Map<String, String> q = query(exchange);
            int limit = 50;
            if (q.containsKey("limit")) {
                try {
                    limit = Integer.parseInt(q.get("limit"));
                } catch (NumberFormatException e) {
                    throw new BadRequest(400, "limit must be a number");
                }
            }
            String where = q.get("where");
            List<String> events;
            try {
                events = service.dataPlane().recentEvents(where == null || where.isBlank() ? null : where, limit);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(400, "where: " + e.getMessage());
            }
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            sendText(exchange, 200, "application/json", "{\"events\":[" + String.join(",", events) + "]}\n");
        } else if (path.equals("/v1/audit")) {
            allow(method, "GET");
            int limit = 100;
            String given = query(exchange).get("limit");
            if (given != null) {
                try {
                    limit = Math.max(1, Math.min(10_000, Integer.parseInt(given)));
                } catch (NumberFormatException e) {
                    throw new BadRequest(400, "limit must be a number");
                }
            }
            ArrayNode changes = json.createArrayNode();
            for (ConfigVersion v : service.audit(limit)) {
                changes.add(versionJson(v));
            }
            ObjectNode out = json.createObjectNode();
            out.set("changes", changes);
            send(exchange, 200, out);
        } else if ((m = TENANT_KEY.matcher(path)).matches()) {
            allow(method, "DELETE");
            send(exchange, 200, versionJson(service.revokeKey(actor, m.group(1), m.group(2))));
        } else if ((m = TENANT_KEYS.matcher(path)).matches()) {
            allow(method, "POST");
            ControlService.IssuedKey issued = service.createKey(actor, m.group(1));
            ObjectNode out = versionJson(issued.version());
            out.put("key_id", issued.key().id());
            out.put("key", issued.key().key());
            out.put("note", "the key is shown once; the gateway keeps only its hash");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            send(exchange, 201, out);
        } else if ((m = TENANT.matcher(path)).matches()) {
            String id = m.group(1);
            if (allow(method, "GET", "PUT").equals("GET")) {
                ObjectNode tenant = tenantView(id);
                if (tenant == null) {
                    throw new ControlService.UnknownTarget("no tenant '" + id + "'");
                }
                send(exchange, 200, tenant);
            } else {
                send(exchange, 200, versionJson(service.putTenant(actor, id, body(exchange))));
            }
        } else {
            throw new BadRequest(404, "no such endpoint: " + path + " (see control-api/README.md)");
        }
    }

    private ObjectNode config() {
        ConfigVersion v = service.current();
        ObjectNode out = versionJson(v);
        ObjectNode summary = out.putObject("summary");
        ArrayNode files = summary.putArray("rule_files");
        v.document().path("rules").forEach(f -> files.add(f.path("name").asText()));
        ArrayNode tenants = summary.putArray("tenants");
        v.document().path("tenants").forEach(t -> tenants.addObject().put("id", t.path("id").asText())
                .put("keys", t.path("keys").size()));
        summary.set("sampling", v.document().path("sampling"));
        return out;
    }

    private void getRules(HttpExchange exchange) throws IOException {
        ConfigVersion v = service.current();
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null && accept.contains("yaml") && v.document().path("rules").size() == 1) {
            sendText(exchange, 200, "application/yaml", v.document().path("rules").get(0).path("yaml").asText());
            return;
        }
        ObjectNode out = json.createObjectNode();
        out.put("version", v.version());
        ArrayNode files = out.putArray("files");
        v.document().path("rules").forEach(f -> files.addObject().put("name", f.path("name").asText())
                .put("yaml", f.path("yaml").asText()));
        send(exchange, 200, out);
    }

    /**
     * The rule files a PUT gives: a JSON body {@code {"files": [{"name", "yaml"}]}}, or one YAML
     * file as the body, named by {@code ?name=} (default {@code rules.yaml}).
     */
    private Map<String, String> ruleFiles(HttpExchange exchange) throws IOException, BadRequest {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        String body = body(exchange);
        Map<String, String> files = new LinkedHashMap<>();
        if (type != null && type.startsWith("application/json")) {
            JsonNode node = parseJson(body);
            JsonNode list = node.path("files");
            if (!list.isArray() || list.isEmpty()) {
                throw new BadRequest(400, "send {\"files\": [{\"name\": \"x.yaml\", \"yaml\": \"rules: ...\"}]} or a YAML body");
            }
            for (JsonNode f : list) {
                String name = f.path("name").asText("");
                if (!name.matches("[A-Za-z0-9._-]{1,128}") || !f.path("yaml").isTextual()) {
                    throw new BadRequest(400, "each file needs a name (letters, digits, '.', '_', '-') and yaml text");
                }
                if (files.put(name, f.get("yaml").asText()) != null) {
                    throw new BadRequest(400, "rule file '" + name + "' is given twice");
                }
            }
        } else {
            String name = query(exchange).getOrDefault("name", "rules.yaml");
            if (!name.matches("[A-Za-z0-9._-]{1,128}")) {
                throw new BadRequest(400, "name must be letters, digits, '.', '_' or '-'");
            }
            files.put(name, body);
        }
        return files;
    }

    private ObjectNode tenantView(String id) {
        for (JsonNode t : service.current().document().path("tenants")) {
            if (id.equals(t.path("id").asText())) {
                ObjectNode out = ((ObjectNode) t).deepCopy();
                ArrayNode keys = out.putArray("keys");
                // Key ids only: even hashes stay out of answers.
                t.path("keys").forEach(k -> keys.addObject().put("id",
                        VirtualKey.idOf(k.asText().startsWith("sha256:") ? k.asText().substring(7) : k.asText())));
                out.put("version", service.current().version());
                return out;
            }
        }
        return null;
    }

    private ObjectNode versionJson(ConfigVersion v) {
        ObjectNode out = json.createObjectNode();
        out.put("version", v.version());
        out.put("parent", v.parent());
        out.put("time", Instant.ofEpochMilli(v.timeMillis()).toString());
        out.put("actor", v.actor());
        out.put("action", v.action());
        out.put("target", v.target());
        out.put("detail", v.detail());
        return out;
    }

    /** Who made the change: {@code X-Aegis-Actor} when it is a plain name, else {@code admin}. */
    private static String actor(HttpExchange exchange) {
        String given = exchange.getRequestHeaders().getFirst("X-Aegis-Actor");
        return given != null && ACTOR.matcher(given).matches() ? given : "admin";
    }

    private static String allow(String method, String... allowed) throws BadRequest {
        for (String a : allowed) {
            if (a.equals(method)) {
                return a;
            }
        }
        throw new BadRequest(405, method + " is not allowed here; use " + String.join(" or ", allowed));
    }

    private static String body(HttpExchange exchange) throws IOException, BadRequest {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new BadRequest(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private JsonNode jsonBody(HttpExchange exchange) throws IOException, BadRequest {
        return parseJson(body(exchange));
    }

    private JsonNode parseJson(String body) throws BadRequest {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new BadRequest(400, "the body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest(400, "the body is not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr());
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private ObjectNode error(String message, List<Problem> problems) {
        ObjectNode out = json.createObjectNode();
        ObjectNode error = out.putObject("error");
        error.put("message", message);
        ArrayNode list = error.putArray("problems");
        for (Problem p : problems) {
            ObjectNode item = list.addObject().put("path", p.path());
            if (p.line() > 0) {
                item.put("line", p.line());
                item.put("column", p.column());
            }
            item.put("message", p.message());
        }
        return out;
    }

    private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        sendText(exchange, status, "application/json", json.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
    }

    private static void sendText(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A request the API cannot take, with its status. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
