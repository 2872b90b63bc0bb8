package io.aegis.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.function.Function;

/**
 * The admin token the control API demands as {@code Authorization: Bearer}. Taken from the
 * environment variable the config names; without one, generated at first start and kept in
 * {@code DATA_DIR/admin.token}, readable by its owner only. Compared in constant time, as digests,
 * so neither the length nor a prefix of the token leaks through timing.
 */
public final class AdminToken {
    static final String FILE_NAME = "admin.token";

    private final byte[] digest;
    private final String source;

    private AdminToken(String token, String source) {
        this.digest = sha256(token);
        this.source = source;
    }

    /** The token from {@code env.apply(envName)}, else the data dir's file, else a new one written there. */
    public static AdminToken resolve(String envName, Function<String, String> env, Path dataDir) throws IOException {
        String fromEnv = envName == null ? null : env.apply(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new AdminToken(fromEnv.strip(), "$" + envName);
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            Files.createDirectories(dataDir);
            String token = "aegis-admin-" + Base62.random(32);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (FileAlreadyExistsException raced) {
                // Another process made it first; read theirs below.
            } catch (UnsupportedOperationException notPosix) {
                Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            }
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException(file + " is empty; delete it to have a new admin token made, or set $" + envName);
        }
        return new AdminToken(token, file.toString());
    }

    /** Where the token came from ({@code $NAME} or a file path), for the start-up line; never the token. */
    public String source() {
        return source;
    }

    /** Whether an {@code Authorization} header value carries this token as a bearer token. */
    public boolean admits(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(7).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Random text in the 62 letters and digits. */
    static final class Base62 {
        private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
        private static final SecureRandom RANDOM = new SecureRandom();

        private Base62() {
        }

        /** {@code bytes} random bytes written in base 62 (43 characters for 32 bytes). */
        static String random(int bytes) {
            byte[] raw = new byte[bytes];
            RANDOM.nextBytes(raw);
            java.math.BigInteger value = new java.math.BigInteger(1, raw);
            int length = (int) Math.ceil(bytes * 8 / (Math.log(62) / Math.log(2)));
            char[] out = new char[length];
            java.math.BigInteger base = java.math.BigInteger.valueOf(62);
            for (int i = length - 1; i >= 0; i--) {
                java.math.BigInteger[] qr = value.divideAndRemainder(base);
                out[i] = ALPHABET[qr[1].intValue()];
                value = qr[0];
            }
            return new String(out);
        }
    }
}
