package io.aegis.gateway.auth;

import io.aegis.wire.KeyDigest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.config.AuthMode;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallerAuthenticatorTest {
    private static final String KEY = "aegis-key-of-acme";

    private static VirtualKeyTable table() {
        Map<String, String> keys = new HashMap<>();
        keys.put(KeyDigest.hex(KeyDigest.current().sha256(KEY).clone()), "acme");
        for (int i = 0; i < 50; i++) {
            keys.put(KeyDigest.hex(KeyDigest.current().sha256("other-" + i).clone()), "t" + i);
        }
        return new VirtualKeyTable(keys);
    }

    private static HttpHeaders headers(String name, String value) {
        HttpHeaders headers = new DefaultHttpHeaders();
        if (name != null) {
            headers.set(name, value);
        }
        return headers;
    }

    @Test
    void virtualKeysAreFoundWhereverTheSdkPutsThem() {
        CallerAuthenticator auth = new CallerAuthenticator(AuthMode.VIRTUAL, table());
        CallerIdentity out = new CallerIdentity();
        assertTrue(auth.authenticate(headers("x-api-key", KEY), null, out));
        assertEquals(CallerKeySource.X_API_KEY, out.source());
        assertTrue(auth.authenticate(headers("authorization", "Bearer " + KEY), null, out));
        assertEquals(CallerKeySource.AUTHORIZATION_BEARER, out.source());
        assertTrue(auth.authenticate(headers("x-goog-api-key", KEY), null, out));
        assertEquals(CallerKeySource.X_GOOG_API_KEY, out.source());
        assertTrue(auth.authenticate(headers(null, null), "alt=sse&key=" + KEY, out));
        assertEquals(CallerKeySource.QUERY_KEY, out.source());
        assertEquals("acme", out.tenant().id());
        assertEquals(KeyDigest.keyId(KeyDigest.current().sha256(KEY).clone()), out.tenant().keyId());
        for (int i = 0; i < 50; i++) {
            assertTrue(auth.authenticate(headers("x-api-key", "other-" + i), null, out));
            assertEquals("t" + i, out.tenant().id());
        }
    }

    @Test
    void unknownOrMissingKeysFailInVirtualMode() {
        CallerAuthenticator auth = new CallerAuthenticator(AuthMode.VIRTUAL, table());
        CallerIdentity out = new CallerIdentity();
        assertFalse(auth.authenticate(headers("x-api-key", KEY + "x"), null, out));
        assertNull(out.tenant());
        assertFalse(auth.authenticate(headers("authorization", "Basic abc"), null, out));
        assertEquals(CallerKeySource.NONE, out.source());
        assertFalse(auth.authenticate(headers("x-api-key", ""), "key=", out));
    }

    @Test
    void passthroughNamesTheTenantByHashUnlessConfigured() {
        CallerAuthenticator auth = new CallerAuthenticator(AuthMode.PASSTHROUGH, table());
        CallerIdentity out = new CallerIdentity();
        assertTrue(auth.authenticate(headers("x-api-key", "sk-ant-real"), null, out));
        assertEquals("key-" + KeyDigest.keyId(KeyDigest.current().sha256("sk-ant-real").clone()), out.tenant().id());
        assertTrue(auth.authenticate(headers("x-api-key", KEY), null, out));
        assertEquals("acme", out.tenant().id());
    }

    @Test
    void theKeyParameterIsRemovedFromQueries() {
        assertNull(CallerAuthenticator.withoutKey("key=abc"));
        assertEquals("alt=sse", CallerAuthenticator.withoutKey("alt=sse&key=abc"));
        assertEquals("alt=sse&x=1", CallerAuthenticator.withoutKey("key=abc&alt=sse&x=1"));
        assertEquals("monkey=1", CallerAuthenticator.withoutKey("monkey=1"));
        assertNull(CallerAuthenticator.withoutKey(null));
        assertEquals("a b", CallerAuthenticator.queryKey("x=1&key=a%20b"));
    }
}
