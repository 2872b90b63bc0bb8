package io.aegis.cli;

import io.aegis.wire.KeyDigest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** {@code aegis hash-key}: a virtual key on stdin, its {@code sha256:<hex>} (what {@code tenants[].keys} holds) out. */
final class HashKeyCommand {
    private HashKeyCommand() {
    }

    static int run(InputStream in, PrintStream out, PrintStream err) {
        try {
            String key = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            if (key == null || key.isBlank()) {
                err.println("aegis hash-key: give the virtual key on stdin, e.g. echo -n KEY | aegis hash-key");
                return AegisMain.EXIT_USAGE;
            }
            out.println("sha256:" + KeyDigest.hex(KeyDigest.current().sha256(key.trim())));
            return AegisMain.EXIT_OK;
        } catch (IOException e) {
            err.println("aegis hash-key: cannot read stdin: " + e.getMessage());
            return AegisMain.EXIT_USAGE;
        }
    }
}
