package io.aegis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.cost.SpendLedger;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway killed with SIGKILL forgets no settled spend: a child JVM runs the gateway, serves
 * requests, is killed without any chance to write a snapshot, and a new gateway on the same data
 * directory starts from exactly what was spent.
 */
class CrashRecoveryTest {
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"" + "abc ".repeat(10) + "\"}]}";
    /** 10 input tokens at 3000 + 20 output at 15000 nano-dollars. */
    private static final long EACH = 10 * 3000 + 20 * 15000;

    @TempDir
    Path dir;

    @Test
    void killNineLosesNoSettledSpend() throws Exception {
        Path data = dir.resolve("data");
        int port = freePort();
        int mockPort = freePort();
        Path config = dir.resolve("aegis.yaml");
        Files.writeString(config, String.join("\n",
                "gateway: { listen: \"127.0.0.1:" + port + "\", event_loops: 1 }",
                "auth: { mode: virtual }",
                "data_dir: \"" + data + "\"",
                "pii: \"" + TestGateway.projectRoot().resolve("configs/pii.yaml") + "\"",
                "pricing: \"" + TestGateway.projectRoot().resolve("configs/pricing.yaml") + "\"",
                "rules: []",
                "mock_upstream: { listen: \"127.0.0.1:" + mockPort + "\" }",
                "providers:",
                "  anthropic: { base_url: \"http://127.0.0.1:" + mockPort + "\", api_key: \"mock-key\" }",
                "tenants:",
                "  - id: acme",
                "    keys: [\"sha256:" + TestGateway.sha256(TestGateway.ACME_KEY) + "\"]",
                "    budget: { usd_per_day: 1 }",
                ""));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("-Dchronicle")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.aegis.cli.AegisMain", "gateway",
                "--config", config.toString()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            awaitListening(port, child);
            int ok = 0;
            for (int i = 0; i < 25; i++) {
                try (RawHttp http = new RawHttp(port)) {
                    RawHttp.Response response = http.send(RawHttp.post("/v1/messages", "x-api-key: " + TestGateway.ACME_KEY
                            + "\r\nx-mock-output-tokens: 20\r\n", BODY)).read();
                    assertEquals(200, response.status(), response.body());
                    ok++;
                }
            }
            // Settlement follows the last byte on the gateway's event loop; wait for the ledger to show it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (SpendLedger.read(data.resolve("spend.ledger")).get("acme")[1] < ok * EACH) {
                assertTrue(System.nanoTime() < deadline, "the ledger never showed the settled spend");
                Thread.onSpinWait();
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no final snapshot
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        Files.deleteIfExists(data.resolve("spend.json")); // the periodic snapshot may have caught some: not needed
        try (TestGateway restarted = TestGateway.builder().dataDir(data).acmeExtra("budget: { usd_per_day: 1 }").start()) {
            long settled = restarted.runtime().costs().tenant("acme").budget().today(System.currentTimeMillis())
                    .settledNanos();
            assertEquals(25 * EACH, settled, "every settled request survived the kill");
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitListening(int port, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            assertTrue(child.isAlive(), "the gateway process exited");
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                assertTrue(System.nanoTime() < deadline, "the gateway did not start listening");
                // Polling a condition with a deadline; parked so the starting JVM gets the CPU.
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }
}
