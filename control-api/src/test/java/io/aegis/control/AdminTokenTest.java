package io.aegis.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the admin token comes from, how it is kept, and what it admits. */
class AdminTokenTest {
    @TempDir
    Path dir;

    @Test
    void aGeneratedTokenIsKeptOwnerOnlyAndReusedAtTheNextStart() throws Exception {
        AdminToken first = AdminToken.resolve("AEGIS_ADMIN_TOKEN", name -> null, dir);
        Path file = dir.resolve(AdminToken.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).strip();
        assertTrue(token.matches("aegis-admin-[0-9A-Za-z]{43}"), token);
        assertTrue(first.admits("Bearer " + token));
        assertTrue(first.admits("bearer " + token), "the scheme is case-insensitive");
        assertFalse(first.admits("Bearer " + token.substring(0, token.length() - 1)), "a prefix is not enough");
        assertFalse(first.admits("Bearer " + token + "x"));
        assertFalse(first.admits(token), "the scheme is required");
        assertFalse(first.admits(null));
        assertFalse(first.source().contains(token), "the source names the file, not the token");

        AdminToken again = AdminToken.resolve("AEGIS_ADMIN_TOKEN", name -> null, dir);
        assertTrue(again.admits("Bearer " + token), "the same token after a restart");
    }

    @Test
    void theEnvironmentWinsOverTheFile() throws Exception {
        AdminToken.resolve("AEGIS_ADMIN_TOKEN", name -> null, dir);
        AdminToken fromEnv = AdminToken.resolve("AEGIS_ADMIN_TOKEN", Map.of("AEGIS_ADMIN_TOKEN", "from-env")::get, dir);
        assertTrue(fromEnv.admits("Bearer from-env"));
        assertFalse(fromEnv.admits("Bearer " + Files.readString(dir.resolve(AdminToken.FILE_NAME)).strip()));
        assertEquals("$AEGIS_ADMIN_TOKEN", fromEnv.source());
    }

    @Test
    void issuedKeysAreRandomAndOnlyTheirHashIsKept() {
        VirtualKey a = VirtualKey.issue();
        VirtualKey b = VirtualKey.issue();
        assertTrue(a.key().matches("aeg-[0-9A-Za-z]{43}"), a.key());
        assertFalse(a.key().equals(b.key()));
        assertEquals(VirtualKey.sha256Hex(a.key()), a.sha256Hex());
        assertEquals(a.sha256Hex().substring(0, 12), a.id());
        assertFalse(a.toString().contains(a.key()), "toString never shows the key");
    }
}
