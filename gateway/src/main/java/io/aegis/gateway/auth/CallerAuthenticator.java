package io.aegis.gateway.auth;

import io.aegis.wire.KeyDigest;
import io.aegis.gateway.config.AuthMode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Finds the caller's key and maps it to a tenant. In {@code virtual} mode only gateway-issued keys
 * pass; in {@code passthrough} mode any key passes and the tenant is named after the key's hash
 * unless the hash belongs to a configured tenant.
 */
public final class CallerAuthenticator {
    private static final String PASSTHROUGH_TENANT_PREFIX = "key-";

    private final AuthMode mode;
    /** Replaced whole when keys are issued or revoked; a request reads it once. */
    private volatile VirtualKeyTable keys;

    public CallerAuthenticator(AuthMode mode, VirtualKeyTable keys) {
        this.mode = mode;
        this.keys = keys;
    }

    /** Puts a new key table in force for every request authenticated after this returns. */
    public void replaceKeys(VirtualKeyTable next) {
        keys = next;
    }

    public AuthMode mode() {
        return mode;
    }

    /**
     * Authenticates one request.
     *
     * @param headers the request headers
     * @param query   the raw query string, or {@code null}
     * @param out     receives the key's source and the tenant
     * @return true when the caller may proceed
     */
    public boolean authenticate(HttpHeaders headers, String query, CallerIdentity out) {
        out.clear();
        // First match wins, in the order the SDKs use: Anthropic (x-api-key, Bearer), Gemini (header, ?key=).
        CallerKeySource source = CallerKeySource.NONE;
        CharSequence key = nonEmpty(headers.get("x-api-key"));
        if (key != null) {
            source = CallerKeySource.X_API_KEY;
        } else if ((key = bearer(headers.get(HttpHeaderNames.AUTHORIZATION))) != null) {
            source = CallerKeySource.AUTHORIZATION_BEARER;
        } else if ((key = nonEmpty(headers.get("x-goog-api-key"))) != null) {
            source = CallerKeySource.X_GOOG_API_KEY;
        } else if ((key = nonEmpty(queryKey(query))) != null) {
            source = CallerKeySource.QUERY_KEY;
        }
        out.source = source;
        if (source == CallerKeySource.NONE) {
            return false;
        }
        byte[] digest = KeyDigest.current().sha256(key);
        Tenant tenant = keys.find(digest);
        if (tenant == null && mode == AuthMode.PASSTHROUGH) {
            String keyId = KeyDigest.keyId(digest);
            tenant = new Tenant(PASSTHROUGH_TENANT_PREFIX + keyId, keyId);
        }
        out.tenant = tenant;
        return tenant != null;
    }

    private static CharSequence nonEmpty(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static CharSequence bearer(String authorization) {
        if (authorization == null || authorization.length() <= 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    /** The value of {@code key=} in a raw query string, percent-decoding only if needed. */
    static String queryKey(String query) {
        if (query == null) {
            return null;
        }
        int from = 0;
        while (from < query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? query.length() : amp;
            if (end - from > 4 && query.startsWith("key=", from)) {
                String value = query.substring(from + 4, end);
                return value.indexOf('%') >= 0 || value.indexOf('+') >= 0
                        ? java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8) : value;
            }
            if (amp < 0) {
                break;
            }
            from = amp + 1;
        }
        return null;
    }

    /** The query string with every {@code key=} parameter removed, or {@code null} if nothing is left. */
    public static String withoutKey(String query) {
        if (query == null || !(query.startsWith("key=") || query.contains("&key="))) {
            return query;
        }
        StringBuilder out = new StringBuilder(query.length());
        int from = 0;
        while (from <= query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? query.length() : amp;
            if (!query.startsWith("key=", from) && end > from) {
                if (out.length() > 0) {
                    out.append('&');
                }
                out.append(query, from, end);
            }
            if (amp < 0) {
                break;
            }
            from = amp + 1;
        }
        return out.length() == 0 ? null : out.toString();
    }
}
