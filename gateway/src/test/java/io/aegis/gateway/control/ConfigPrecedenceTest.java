package io.aegis.gateway.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.aegis.gateway.testing.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edits of the config file's rules, tenants and sampling after the first start are never silently
 * ignored: adopted as an audited version when no control API change came since the file's last
 * version, else the start is refused naming the sections and the ways out, unless the file is told
 * to win.
 */
class ConfigPrecedenceTest {
    @TempDir
    Path dir;

    private TestGateway.Builder gateway(int requestsPerMinute) {
        return TestGateway.builder().dataDir(dir.resolve("data")).control()
                .acmeExtra("limits: { requests_per_minute: " + requestsPerMinute + " }");
    }

    private static JsonNode get(TestGateway gateway, String path) throws Exception {
        return ControlClient.json(new ControlClient(gateway).admin("GET", path, null));
    }

    private static JsonNode lastChange(TestGateway gateway) throws Exception {
        return get(gateway, "/v1/audit").get("changes").get(0);
    }

    @Test
    void fileEditsAreAdoptedOrRefusedButNeverIgnored() throws Exception {
        try (TestGateway first = gateway(100).start()) {
            assertEquals(1, get(first, "/v1/config").get("version").asInt());
            assertEquals("config-file", lastChange(first).get("actor").asText());
        }
        try (TestGateway edited = gateway(200).start()) {
            JsonNode change = lastChange(edited);
            assertEquals(2, change.get("version").asInt(), "the file's edit became a version of its own");
            assertEquals("config-file", change.get("actor").asText());
            assertEquals("config.file", change.get("action").asText());
            assertEquals("tenants", change.get("target").asText(), "only the section that changed");
            assertEquals(200, edited.runtime().costs().tenant("acme").requestsPerMinute().perMinute(),
                    "the edit is in force");
            assertEquals(200, new ControlClient(edited).admin("PUT", "/v1/sampling", "{\"default\": 0.5}")
                    .statusCode());
        }
        try (TestGateway same = gateway(200).start()) {
            assertEquals(3, get(same, "/v1/config").get("version").asInt(), "an unedited file adds no version");
            assertEquals(0.5, get(same, "/v1/sampling").path("sampling").path("default").asDouble(),
                    "the control API's change stays in force");
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> gateway(300).start());
        String message = refused.getMessage();
        assertTrue(message.contains("its tenants changed since config version 2"), message);
        assertTrue(message.contains("sampling.replace sampling by admin"), "names the change that conflicts: " + message);
        assertTrue(message.contains("PUT /v1/tenants/ID") && message.contains("--config-file-wins"),
                "says both ways out: " + message);

        try (TestGateway wins = gateway(300).configFileWins().start()) {
            JsonNode change = lastChange(wins);
            assertEquals(4, change.get("version").asInt());
            assertEquals("config-file", change.get("actor").asText());
            assertEquals(300, wins.runtime().costs().tenant("acme").requestsPerMinute().perMinute());
            assertEquals(0.5, get(wins, "/v1/sampling").path("sampling").path("default").asDouble(),
                    "sections the file did not edit keep the control API's values");
        }
    }
}
