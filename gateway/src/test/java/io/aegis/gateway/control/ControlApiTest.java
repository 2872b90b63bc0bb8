package io.aegis.gateway.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.trace.AuditEvent;
import io.aegis.trace.TraceReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** control-api/README.md through real HTTP: auth, validation, swaps that take effect, keys, persistence and audit. */
class ControlApiTest {
    private static final String DENY_HAIKU = "version: 1\nrules:\n  - id: no-haiku\n    when: model == \"claude-haiku-4-5\"\n"
            + "    action: deny\n";

    @TempDir
    Path dir;

    @Test
    void everyProtectedEndpointRefusesAMissingOrWrongToken() throws Exception {
        try (TestGateway gateway = TestGateway.builder().control().start()) {
            ControlClient client = new ControlClient(gateway);
            String[][] endpoints = {{"GET", "/metrics"}, {"GET", "/v1/config"}, {"POST", "/v1/config/rollback"},
                {"GET", "/v1/rules"}, {"PUT", "/v1/rules"}, {"GET", "/v1/tenants/acme"}, {"PUT", "/v1/tenants/acme"},
                {"POST", "/v1/tenants/acme/keys"}, {"DELETE", "/v1/tenants/acme/keys/0123456789ab"},
                {"GET", "/v1/usage?tenant=acme"}, {"GET", "/v1/sampling"}, {"PUT", "/v1/sampling"}, {"GET", "/v1/audit"},
                {"GET", "/v1/dashboard"}, {"GET", "/v1/events"}};
            for (String[] endpoint : endpoints) {
                for (String token : new String[] {null, "wrong-token", TestGateway.ADMIN_TOKEN + "x", ""}) {
                    HttpResponse<String> response = client.call(endpoint[0], endpoint[1], endpoint[0].equals("GET")
                            || endpoint[0].equals("DELETE") ? null : "{}", "application/json", token);
                    assertEquals(401, response.statusCode(), endpoint[0] + " " + endpoint[1] + " with " + token);
                    assertFalse(response.body().contains(TestGateway.ADMIN_TOKEN), "the token is never echoed");
                }
            }
            assertEquals(200, client.call("GET", "/healthz", null, null, null).statusCode());
            assertEquals(200, client.call("GET", "/readyz", null, null, null).statusCode());
            assertEquals(1, ControlClient.json(client.admin("GET", "/v1/config", null)).get("version").asInt(),
                    "the config file's settings are version 1");
        }
    }

    @Test
    void badRulesAreRefusedWithLocationsAndTheOldRulesKeepDeciding() throws Exception {
        try (TestGateway gateway = TestGateway.builder().rules(DENY_HAIKU).control().start()) {
            ControlClient client = new ControlClient(gateway);
            assertEquals(403, client.message(TestGateway.ACME_KEY, "claude-haiku-4-5").statusCode());

            String bad = "version: 1\nrules:\n  - id: broken\n    when: modle == \"x\"\n    action: deny\n"
                    + "  - id: also-broken\n    when: \"true\"\n    action: explode\n";
            HttpResponse<String> refused = client.admin("PUT", "/v1/rules?name=team.yaml", bad);
            assertEquals(400, refused.statusCode(), refused.body());
            JsonNode problems = ControlClient.json(refused).path("error").path("problems");
            assertEquals(2, problems.size(), refused.body());
            JsonNode typo = null;
            List<Integer> lines = new ArrayList<>();
            for (JsonNode problem : problems) {
                assertEquals("team.yaml", problem.path("path").asText());
                lines.add(problem.path("line").asInt());
                if (problem.path("line").asInt() == 4) {
                    typo = problem;
                }
            }
            assertEquals(List.of(4, 8), lines.stream().sorted().toList(), refused.body());
            assertTrue(typo.path("column").asInt() > 0);
            assertTrue(typo.path("message").asText().contains("model"), "suggests the right name: " + typo);

            assertEquals(403, client.message(TestGateway.ACME_KEY, "claude-haiku-4-5").statusCode(), "old rules decide");
            assertEquals(1, ControlClient.json(client.admin("GET", "/v1/config", null)).get("version").asInt(),
                    "no version was made");

            String denySonnet = DENY_HAIKU.replace("no-haiku", "no-sonnet").replace("claude-haiku-4-5", "claude-sonnet-4-5");
            HttpResponse<String> accepted = client.admin("PUT", "/v1/rules?name=team.yaml", denySonnet);
            assertEquals(200, accepted.statusCode(), accepted.body());
            assertEquals(2, ControlClient.json(accepted).get("version").asInt());
            assertEquals(200, client.message(TestGateway.ACME_KEY, "claude-haiku-4-5").statusCode(), "takes effect");
            HttpResponse<String> denied = client.message(TestGateway.ACME_KEY, "claude-sonnet-4-5");
            assertEquals(403, denied.statusCode());
            assertTrue(denied.body().contains("no-sonnet"), denied.body());

            JsonNode rules = ControlClient.json(client.admin("GET", "/v1/rules", null));
            assertEquals("team.yaml", rules.path("files").get(0).path("name").asText());
            assertEquals(denySonnet, rules.path("files").get(0).path("yaml").asText());
        }
    }

    @Test
    void anIssuedKeyWorksAtOnceAndARevokedKeyIsRefusedAtOnce() throws Exception {
        try (TestGateway gateway = TestGateway.builder().control().start()) {
            ControlClient client = new ControlClient(gateway);
            HttpResponse<String> issued = client.admin("POST", "/v1/tenants/beta/keys", null);
            assertEquals(201, issued.statusCode(), issued.body());
            assertEquals("no-store", issued.headers().firstValue("Cache-Control").orElse(""));
            JsonNode body = ControlClient.json(issued);
            String key = body.get("key").asText();
            String keyId = body.get("key_id").asText();
            assertTrue(key.matches("aeg-[0-9A-Za-z]{43}"), key);
            assertEquals(TestGateway.keyId(key), keyId, "the id traces show");

            assertEquals(200, client.message(key, "claude-haiku-4-5").statusCode());
            TestGateway.Completed done = gateway.nextCompleted();
            assertEquals("beta", done.tenant());
            assertEquals(keyId, done.keyId());

            String stored = Files.readString(gateway.runtime().dataDir().resolve("config/00000002.json"));
            assertFalse(stored.contains(key), "only the hash is stored");
            assertTrue(stored.contains(TestGateway.sha256(key)));
            assertFalse(client.admin("GET", "/v1/tenants/beta", null).body().contains(TestGateway.sha256(key)),
                    "answers show key ids, not hashes");

            assertEquals(200, client.admin("DELETE", "/v1/tenants/beta/keys/" + keyId, null).statusCode());
            assertEquals(401, client.message(key, "claude-haiku-4-5").statusCode(), "revoked on the next request");
            assertEquals(200, client.message(TestGateway.BETA_KEY, "claude-haiku-4-5").statusCode(), "other keys stay");
            assertEquals(404, client.admin("DELETE", "/v1/tenants/beta/keys/" + keyId, null).statusCode());
            assertEquals(404, client.admin("POST", "/v1/tenants/nobody/keys", null).statusCode());
        }
    }

    @Test
    void anAnswerPolicySetThroughTheApiTakesEffectAndReadsBack() throws Exception {
        try (TestGateway gateway = TestGateway.builder().control().start()) {
            ControlClient client = new ControlClient(gateway);
            HttpResponse<String> refused = client.admin("PUT", "/v1/tenants/acme",
                    "pii_policy:\n  restore: yes-please\n  response: { PHONE: hide }\n");
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("pii_policy.response.PHONE"), refused.body());

            HttpResponse<String> accepted = client.admin("PUT", "/v1/tenants/acme",
                    "pii_policy: { EMAIL: redact, restore: true, response: { PHONE: redact } }\n");
            assertEquals(200, accepted.statusCode(), accepted.body());
            JsonNode policy = ControlClient.json(client.admin("GET", "/v1/tenants/acme", null)).path("pii_policy");
            assertTrue(policy.path("restore").asBoolean(), policy.toString());
            assertEquals("redact", policy.path("response").path("PHONE").asText(), policy.toString());

            HttpResponse<String> answer = client.http().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(gateway.baseUrl() + "/v1/messages"))
                    .header("x-api-key", TestGateway.ACME_KEY).header("x-mock-echo", "prompt")
                    .header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-haiku-4-5\","
                            + "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":"
                            + "\"mail ana@example.com or call 415-555-0132\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("mail ana@example.com or call ********0132",
                    ControlClient.json(answer).path("content").path(0).path("text").asText(), answer.body());
        }
    }

    @Test
    void tenantSettingsAreCheckedWithLinesAndTakeEffect() throws Exception {
        try (TestGateway gateway = TestGateway.builder().control().start()) {
            ControlClient client = new ControlClient(gateway);
            HttpResponse<String> refused = client.admin("PUT", "/v1/tenants/acme",
                    "budget:\n  usd_per_day: -3\nlimits:\n  requests_per_minute: lots\npii_policy: { NOT_A_TYPE: redact }\n");
            assertEquals(400, refused.statusCode(), refused.body());
            JsonNode problems = ControlClient.json(refused).path("error").path("problems");
            List<Integer> lines = new ArrayList<>();
            problems.forEach(p -> lines.add(p.path("line").asInt()));
            assertTrue(lines.containsAll(List.of(2, 4)), refused.body());

            HttpResponse<String> accepted = client.admin("PUT", "/v1/tenants/acme",
                    "{\"limits\": {\"requests_per_minute\": 2}, \"budget\": {\"usd_per_day\": 12.5}}");
            assertEquals(200, accepted.statusCode(), accepted.body());
            assertEquals(200, client.message(TestGateway.ACME_KEY, "claude-haiku-4-5").statusCode());
            assertEquals(200, client.message(TestGateway.ACME_KEY, "claude-haiku-4-5").statusCode());
            HttpResponse<String> limited = client.message(TestGateway.ACME_KEY, "claude-haiku-4-5");
            assertEquals(429, limited.statusCode(), "the new limit holds on the next request");
            assertTrue(limited.headers().firstValue("retry-after").isPresent());
            assertEquals(429, client.message(TestGateway.ACME_KEY, "claude-haiku-4-5").statusCode(), "and keeps holding");

            JsonNode tenant = ControlClient.json(client.admin("GET", "/v1/tenants/acme", null));
            assertEquals(12.5, tenant.path("budget").path("usd_per_day").asDouble());
            assertEquals(1, tenant.path("keys").size(), "PUT keeps the tenant's keys");
            JsonNode usage = ControlClient.json(client.admin("GET", "/v1/usage?tenant=acme", null));
            assertEquals(4, usage.path("since_start").path("requests").asInt(), usage.toString());
            assertEquals(2, usage.path("since_start").path("refused_rate").asInt(), usage.toString());
            assertEquals("12.5", usage.path("day").path("limit_usd").asText());
            assertTrue(usage.path("day").path("spent_usd").asDouble() > 0);

            String metrics = client.admin("GET", "/metrics", null).body();
            assertTrue(metrics.contains("aegis_gateway_refusals_total{reason=\"rate_limit\"} 2\n"), metrics);
            assertTrue(metrics.contains("aegis_gateway_requests_total{code=\"2xx\"} 2"), metrics);
            assertTrue(metrics.contains("aegis_trace_events_dropped_total 0"), metrics);
            assertTrue(metrics.contains("aegis_gateway_active_connections "), metrics);
            assertTrue(metrics.contains("aegis_gateway_overhead_seconds_count 4\n"), metrics);
            assertTrue(metrics.contains("aegis_gateway_overhead_seconds_bucket{le=\"+Inf\"} 4\n"), metrics);

            // A tenant made through the API gets its keys, limits and usage counters at once.
            assertEquals(200, client.admin("PUT", "/v1/tenants/newco", "limits: { requests_per_minute: 100 }\n")
                    .statusCode());
            String newcoKey = ControlClient.json(client.admin("POST", "/v1/tenants/newco/keys", null)).get("key").asText();
            assertEquals(200, client.message(newcoKey, "claude-haiku-4-5").statusCode());
            JsonNode newco = ControlClient.json(client.admin("GET", "/v1/usage?tenant=newco", null));
            assertEquals(1, newco.path("since_start").path("requests").asInt(), newco.toString());
            assertEquals(99, newco.path("requests_per_minute").path("remaining").asInt(), newco.toString());
        }
    }

    @Test
    void aRestartKeepsTheLastVersionTheKeysAndTheAuditTrail() throws Exception {
        Path data = dir.resolve("data");
        String queue = "trace: { queue_dir: \"" + dir.resolve("trace") + "\" }";
        String key;
        long version;
        try (TestGateway gateway = TestGateway.builder().dataDir(data).topExtra(queue).control().start()) {
            ControlClient client = new ControlClient(gateway);
            key = ControlClient.json(client.admin("POST", "/v1/tenants/acme/keys", null)).get("key").asText();
            assertEquals(200, client.admin("PUT", "/v1/rules?name=r.yaml", DENY_HAIKU).statusCode());
            assertEquals(200, client.admin("PUT", "/v1/sampling", "{\"default\": 0.25, \"tags\": {\"pii\": 1}}")
                    .statusCode());
            version = ControlClient.json(client.admin("GET", "/v1/config", null)).get("version").asLong();
            assertEquals(4, version);
        }
        try (TestGateway gateway = TestGateway.builder().dataDir(data).topExtra(queue).control().start()) {
            ControlClient client = new ControlClient(gateway);
            assertEquals(version, ControlClient.json(client.admin("GET", "/v1/config", null)).get("version").asLong());
            assertEquals(200, client.message(key, "claude-sonnet-4-5").statusCode(), "the issued key still works");
            assertEquals(403, client.message(key, "claude-haiku-4-5").statusCode(), "the replaced rules still decide");
            assertEquals(0.25, ControlClient.json(client.admin("GET", "/v1/sampling", null)).path("sampling")
                    .path("default").asDouble());
            JsonNode changes = ControlClient.json(client.admin("GET", "/v1/audit", null)).get("changes");
            List<String> actions = new ArrayList<>();
            changes.forEach(c -> actions.add(c.get("action").asText()));
            assertEquals(List.of("sampling.replace", "rules.replace", "tenant.key.create", "config.bootstrap"), actions);
            assertEquals(3, changes.get(0).get("parent").asInt());

            // Rolling back to version 2 (key issued, rules as in the file) is one call and a new version.
            HttpResponse<String> rollback = client.admin("POST", "/v1/config/rollback", "{\"version\": 2}");
            assertEquals(200, rollback.statusCode(), rollback.body());
            assertEquals(5, ControlClient.json(rollback).get("version").asInt());
            assertEquals(200, client.message(key, "claude-haiku-4-5").statusCode(), "rules as they were in version 2");
        }
        List<String> audited = new ArrayList<>();
        try (TraceReader reader = new TraceReader(dir.resolve("trace"))) {
            AuditEvent event = new AuditEvent();
            while (reader.nextAudit(event)) {
                audited.add(event.action + " " + event.oldVersion + "->" + event.newVersion + " by " + event.actor);
                assertFalse(event.detail.toString().contains(key), "no key in the audit trail");
            }
        }
        assertEquals(List.of("config.bootstrap 0->1 by config-file", "tenant.key.create 1->2 by admin",
                "rules.replace 2->3 by admin", "sampling.replace 3->4 by admin", "config.rollback 4->5 by admin"), audited);
    }
}
