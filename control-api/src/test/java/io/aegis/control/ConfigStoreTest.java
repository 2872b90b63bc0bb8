package io.aegis.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions are written whole, read back in order, never rewritten, and a damaged one is named. */
class ConfigStoreTest {
    @TempDir
    Path dir;

    private static ConfigVersion version(long n, String money) {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.putArray("tenants").addObject().put("id", "acme").putObject("budget")
                .put("usd_per_day", new java.math.BigDecimal(money));
        return new ConfigVersion(n, n - 1, 1_800_000_000_000L + n, "ops@example", "tenant.update", "acme", "d" + n, doc);
    }

    @Test
    void versionsComeBackInOrderWithTheirDocuments() throws Exception {
        ConfigStore store = new ConfigStore(dir);
        for (long n = 1; n <= 12; n++) {
            store.write(version(n, "0.000001"));
        }
        ConfigStore reopened = new ConfigStore(dir);
        List<ConfigVersion> versions = reopened.versions();
        assertEquals(12, versions.size());
        for (int i = 0; i < versions.size(); i++) {
            ConfigVersion v = versions.get(i);
            assertEquals(version(i + 1, "0.000001"), v);
        }
        assertTrue(Files.readString(dir.resolve("config/00000001.json")).contains("0.000001"),
                "money is written as a plain decimal");
        try (var files = Files.list(dir.resolve("config"))) {
            assertEquals(12, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aVersionIsNeverRewrittenAndADamagedOneIsNamed() throws Exception {
        ConfigStore store = new ConfigStore(dir);
        store.write(version(1, "5"));
        assertThrows(IOException.class, () -> store.write(version(1, "6")));
        assertEquals("5", store.read(1).document().path("tenants").get(0).path("budget").path("usd_per_day").asText());
        Files.writeString(dir.resolve("config/00000002.json"), "{\"version\": 2, \"document\": [");
        IOException damaged = assertThrows(IOException.class, store::versions);
        assertTrue(damaged.getMessage().contains("00000002.json"), damaged.getMessage());
    }
}
