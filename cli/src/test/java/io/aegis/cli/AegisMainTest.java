package io.aegis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The aegis command's exit codes and messages (the README's Commands): 0 success, 2 bad usage or unreadable input. */
class AegisMainTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AegisMain.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitTwoAndSayWhatToDo() {
        Outcome none = run("");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("usage: aegis COMMAND"), none.err());
        assertEquals(0, run("", "--help").code());
        Outcome unknown = run("", "serve");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown command 'serve'"), unknown.err());
        Outcome noConfig = run("", "gateway");
        assertEquals(2, noConfig.code());
        assertTrue(noConfig.err().contains("--config FILE is required"), noConfig.err());
        Outcome noPort = run("", "mock-upstream");
        assertEquals(2, noPort.code());
        assertTrue(noPort.err().contains("--port"), noPort.err());
        Outcome badFault = run("", "mock-upstream", "--port", "0", "--faults", "teapot");
        assertEquals(2, badFault.code());
        assertTrue(badFault.err().contains("reset_mid_stream"), "lists the known faults: " + badFault.err());
        Outcome extra = run("", "mock-upstream", "--port", "0", "--bogus", "1");
        assertEquals(2, extra.code());
        assertTrue(extra.err().contains("unexpected argument '--bogus'"), extra.err());
        Outcome drainExtra = run("", "drain", "--bogus", "1");
        assertEquals(2, drainExtra.code());
        assertTrue(drainExtra.err().contains("unexpected argument '--bogus'"), drainExtra.err());
    }

    @Test
    void aBadConfigExitsTwoListingEveryProblemWithFileAndLine() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "gateway: { listen: \"x\" }\nauth: { mode: maybe }\n");
        Outcome outcome = run("", "run", "--config", config.toString());
        assertEquals(2, outcome.code());
        assertTrue(outcome.err().contains(config + ":1:"), outcome.err());
        assertTrue(outcome.err().contains(config + ":2:"), outcome.err());
        assertTrue(outcome.err().contains("providers: is required"), outcome.err());
        assertFalse(outcome.err().contains("Exception"), "a message, not a stack trace: " + outcome.err());
    }

    @Test
    void hashKeyPrintsTheConfigFormOfAKey() {
        Outcome outcome = run("aegis-demo-key\n", "hash-key");
        assertEquals(0, outcome.code());
        assertEquals("sha256:6decf9e7ca2d4ed7d4c145942b0169c762b292766eac4aad6820dcd91bb369f8", outcome.out().trim());
        assertEquals(2, run("", "hash-key").code());
    }
}
