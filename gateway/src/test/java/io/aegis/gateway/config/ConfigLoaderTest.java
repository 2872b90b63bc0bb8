package io.aegis.gateway.config;

import io.aegis.yaml.LocatedProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.wire.Provider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("aegis.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private AegisConfig load(String yaml, Map<String, String> env) throws Exception {
        return ConfigLoader.load(write(yaml), dir, env::get);
    }

    @Test
    void namedRuleGlobsResolveLikeTheOtherPaths() throws Exception {
        AegisConfig config = load("providers:\n  anthropic: { base_url: \"https://api.anthropic.com\" }\n"
                + "rules: [ \"configs/rules/*.yaml\" ]\n", Map.of("ANTHROPIC_API_KEY", "sk-ant-test"));
        assertEquals(List.of(dir.resolve("configs/rules/*.yaml").toString()), config.ruleGlobs());
    }

    @Test
    void minimalConfigGetsTheSpecDefaults() throws Exception {
        AegisConfig config = load("providers:\n  anthropic: { base_url: \"https://api.anthropic.com\" }\n",
                Map.of("ANTHROPIC_API_KEY", "sk-ant-test"));
        assertEquals(new ListenAddress("127.0.0.1", 8080), config.gateway().listen());
        assertEquals(33_554_432, config.gateway().maxRequestBytes());
        assertEquals(new ListenAddress("127.0.0.1", 9090), config.control().listen());
        assertEquals("AEGIS_ADMIN_TOKEN", config.control().adminTokenEnv());
        assertEquals(AuthMode.VIRTUAL, config.authMode());
        assertEquals(dir.resolve("data"), config.dataDir());
        assertEquals(dir.resolve("configs/pricing.yaml"), config.pricingFile());
        assertEquals(dir.resolve("configs/pii.yaml"), config.piiFile());
        assertEquals(List.of(), config.ruleGlobs(), "no rules unless the config names some");
        assertEquals(dir.resolve("data/trace"), config.traceQueueDir());
        assertEquals("http://127.0.0.1:4318", config.drainer().otlpEndpoint());
        ProviderSettings anthropic = config.provider(Provider.ANTHROPIC);
        assertEquals(List.of("sk-ant-test"), anthropic.apiKeys());
        assertEquals(Timeouts.DEFAULT, anthropic.timeouts());
        assertEquals(3, anthropic.retries().maxAttempts());
        assertNull(config.provider(Provider.GEMINI));
        assertFalse(anthropic.toString().contains("sk-ant-test"), "settings never print keys");
    }

    @Test
    void theShippedConfigsLoad() throws Exception {
        Path root = Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();
        for (String name : List.of("configs/aegis.yaml", "configs/demo.yaml", "configs/fleet-gw-1.yaml",
                "configs/fleet-gw-2.yaml")) {
            AegisConfig config = ConfigLoader.load(root.resolve(name), root, key -> null);
            assertFalse(config.tenants().isEmpty(), name);
        }
        AegisConfig demo = ConfigLoader.load(root.resolve("configs/demo.yaml"), root, key -> null);
        assertEquals(new ListenAddress("127.0.0.1", 8080), demo.gateway().listen());
        assertEquals(new ListenAddress("127.0.0.1", 9090), demo.control().listen());
        assertTrue(demo.mockUpstream() != null, "the demo runs its own mock upstream");
    }

    @Test
    void keyPoolsTimeoutsAndTenantsAreRead() throws Exception {
        AegisConfig config = load(String.join("\n",
                "auth: { mode: passthrough }",
                "providers:",
                "  gemini:",
                "    base_url: \"https://generativelanguage.googleapis.com\"",
                "    api_keys_env: [G1, G2]",
                "    timeouts: { connect_ms: 500, first_byte_ms: 9000, idle_ms: 700, total_ms: 60000 }",
                "    retries: { max_attempts: 5 }",
                "    failover: [ \"https://other.example\" ]",
                "tenants:",
                "  - id: acme",
                "    keys: [\"sha256:" + "ab".repeat(32) + "\"]",
                "    budget: { usd_per_day: 12.345678, usd_per_month: 300 }",
                "    limits: { requests_per_minute: 60, tokens_per_minute: 100000 }",
                ""), Map.of("G1", "k1", "G2", "k2"));
        assertEquals(AuthMode.PASSTHROUGH, config.authMode());
        ProviderSettings gemini = config.provider(Provider.GEMINI);
        assertEquals(List.of("k1", "k2"), gemini.apiKeys());
        assertEquals(new Timeouts(500, 9000, 700, 60000), gemini.timeouts());
        assertEquals(5, gemini.retries().maxAttempts());
        assertEquals(1, gemini.failover().size());
        TenantSettings acme = config.tenants().get(0);
        assertEquals(List.of("ab".repeat(32)), acme.keySha256Hex());
        assertEquals(12_345_678, acme.budgetMicrosPerDay(), "money as integer micro-dollars");
        assertEquals(300_000_000, acme.budgetMicrosPerMonth());
        assertEquals(60, acme.requestsPerMinute());
        assertEquals(100_000, acme.tokensPerMinute());
    }

    @Test
    void everyProblemIsReportedWithLineAndKey() throws IOException {
        Path file = write(String.join("\n",
                "gatway: {}",                                             // 1: typo
                "gateway: { listen: \"nowhere\", max_request_bytes: -5 }", // 2: two problems
                "auth: { mode: open }",                                   // 3
                "providers:",                                             // 4
                "  anthropic:",                                           // 5
                "    base_url: \"ftp://x\"",                              // 6
                "    timeouts: { connect_ms: soon }",                     // 7
                "  openai: { base_url: \"https://api.openai.com\" }",     // 8
                "tenants:",                                               // 9
                "  - id: acme",                                           // 10
                "    keys: [\"sk-raw-key-pasted-by-mistake\"]",           // 11
                "  - id: acme",                                           // 12
                ""));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, dir, k -> null));
        String text = e.getMessage();
        List<LocatedProblem> problems = e.problems();
        assertTrue(problems.size() >= 9, text);
        assertProblem(problems, 1, "gatway", "did you mean 'gateway'");
        assertProblem(problems, 2, "gateway.listen", "host:port");
        assertProblem(problems, 2, "gateway.max_request_bytes", "between");
        assertProblem(problems, 3, "auth.mode", "virtual or passthrough");
        assertProblem(problems, 6, "providers.anthropic.base_url", "http:// or https://");
        assertProblem(problems, 7, "providers.anthropic.timeouts.connect_ms", "whole number");
        assertProblem(problems, 8, "providers.openai", "unknown key");
        assertProblem(problems, 11, "tenants[0].keys[0]", "sha256:");
        assertProblem(problems, 12, "tenants[1].id", "defined twice");
        assertFalse(text.contains("sk-raw-key-pasted-by-mistake"), "a pasted key is never echoed: " + text);
        assertTrue(text.contains(file + ":1:1: gatway:"), text);
    }

    @Test
    void answerPoliciesAndTheHoldBackAreReadAndCheckedWithTheirLines() throws Exception {
        AegisConfig config = load(String.join("\n",
                "providers:",
                "  anthropic: { base_url: \"https://api.anthropic.com\" }",
                "pii: { catalogue: configs/pii.yaml, response_holdback_bytes: 512 }",
                "tenants:",
                "  - id: acme",
                "    pii_policy: { EMAIL: redact, restore: true, response: { EMAIL: redact, CREDIT_CARD: block } }",
                ""), Map.of("ANTHROPIC_API_KEY", "sk-ant-test"));
        assertEquals(512, config.piiResponseHoldbackBytes());
        assertEquals(dir.resolve("configs/pii.yaml"), config.piiFile());
        TenantSettings acme = config.tenants().get(0);
        assertEquals(Map.of("EMAIL", "redact"), acme.piiPolicy());
        assertEquals(Map.of("EMAIL", "redact", "CREDIT_CARD", "block"), acme.piiResponsePolicy());
        assertTrue(acme.piiRestore());
        assertEquals(256, load("providers:\n  anthropic: { base_url: \"https://api.anthropic.com\" }\n",
                Map.of("ANTHROPIC_API_KEY", "k")).piiResponseHoldbackBytes(), "the default covers a 254-byte address");

        Path file = write(String.join("\n",
                "providers:",
                "  anthropic: { base_url: \"https://api.anthropic.com\" }",
                "pii: { response_holdback_bytes: 3, catalog: x }",
                "tenants:",
                "  - id: acme",
                "    pii_policy:",
                "      restore: maybe",
                "      response: { EMAIL: scrub }",
                ""));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, dir, k -> null));
        assertProblem(e.problems(), 3, "pii.response_holdback_bytes", "between");
        assertProblem(e.problems(), 3, "pii.catalog", "unknown key");
        assertProblem(e.problems(), 7, "tenants[0].pii_policy.restore", "true or false");
        assertProblem(e.problems(), 8, "tenants[0].pii_policy.response.EMAIL", "tag, redact or block");
    }

    @Test
    void invalidYamlAndMissingFilesNameTheFile() throws IOException {
        Path file = write("providers:\n  anthropic: [unclosed\n");
        ConfigException bad = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, dir, k -> null));
        assertTrue(bad.getMessage().contains(file.toString()) && bad.getMessage().contains("not valid YAML"),
                bad.getMessage());
        assertTrue(bad.problems().get(0).line() > 0);
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("nope.yaml"), dir, k -> null));
        assertTrue(missing.getMessage().contains("file not found"), missing.getMessage());
        ConfigException noProviders = assertThrows(ConfigException.class, () -> load("gateway: {}\n", Map.of()));
        assertTrue(noProviders.getMessage().contains("providers: is required"), noProviders.getMessage());
    }

    private static void assertProblem(List<LocatedProblem> problems, int line, String key, String fragment) {
        for (LocatedProblem problem : problems) {
            if (problem.line() == line && key.equals(problem.key()) && problem.message().contains(fragment)) {
                return;
            }
        }
        throw new AssertionError("no problem at line " + line + " for " + key + " containing '" + fragment
                + "' in:\n" + problems);
    }
}
