package io.aegis.gateway.proxy;

import io.aegis.wire.Provider;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 §7.6.1, plus any named in
 * {@code Connection}) never do. Upstream requests get the gateway's host, length, provider key and
 * {@code traceparent}, and ask for an identity encoding so usage can be read from the body; every
 * other header (the {@code anthropic-*} family, SDK headers) passes unchanged both ways.
 */
final class HeaderPolicy {
    private static final AsciiString X_API_KEY = AsciiString.cached("x-api-key");
    private static final AsciiString ANTHROPIC_VERSION = AsciiString.cached("anthropic-version");
    private static final AsciiString X_GOOG_API_KEY = AsciiString.cached("x-goog-api-key");
    private static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString X_AEGIS_TRACE_ID = AsciiString.cached("x-aegis-trace-id");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    /** For headers copied from ones the decoder has already validated. */
    static final DefaultHttpHeadersFactory UNVALIDATED =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private HeaderPolicy() {
    }

    /**
     * Headers for the upstream request.
     *
     * @param inbound     the caller's headers
     * @param providerKey the gateway's provider key in virtual mode, or {@code null} to pass the caller's on
     */
    static HttpHeaders upstreamRequest(HttpHeaders inbound, Provider provider, String providerKey, String hostHeader, int contentLength,
                                       String traceparent, boolean openAiCaller) {
        // The inbound headers were validated by the decoder; copying them need not validate again.
        HttpHeaders out = UNVALIDATED.newHeaders();
        String connectionTokens = inbound.get(HttpHeaderNames.CONNECTION);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = inbound.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            if (isHopByHop(name, connectionTokens)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.ACCEPT_ENCODING)
                    || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.EXPECT)
                    || AsciiString.contentEqualsIgnoreCase(name, TRACEPARENT)) {
                continue;
            }
            if (providerKey != null && isCallerCredential(name)) {
                continue;
            }
            if (openAiCaller && (startsWithIgnoreCase(name, "openai-") || startsWithIgnoreCase(name, "x-aegis-"))) {
                continue; // an OpenAI organisation or project means nothing upstream; x-aegis-* is the gateway's
            }
            out.add(name, header.getValue());
        }
        out.set(HttpHeaderNames.HOST, hostHeader);
        out.set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        out.set(HttpHeaderNames.ACCEPT_ENCODING, "identity");
        out.set(TRACEPARENT, traceparent);
        if (providerKey != null) {
            out.set(provider == Provider.ANTHROPIC ? X_API_KEY : X_GOOG_API_KEY, providerKey);
        }
        if (openAiCaller && provider == Provider.ANTHROPIC && !out.contains(ANTHROPIC_VERSION)) {
            // A translated call speaks the Messages API version it was written against.
            out.set(ANTHROPIC_VERSION, "2023-06-01");
        }
        return out;
    }

    private static boolean startsWithIgnoreCase(CharSequence name, String prefix) {
        return name.length() >= prefix.length()
                && AsciiString.regionMatches(name, true, 0, prefix, 0, prefix.length());
    }

    /** Headers for the response to the caller: the upstream's, less hop-by-hop ones. */
    static void copyResponseHeaders(HttpHeaders upstream, HttpHeaders out, String traceId) {
        String connectionTokens = upstream.get(HttpHeaderNames.CONNECTION);
        Iterator<Map.Entry<CharSequence, CharSequence>> it = upstream.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            if (!isHopByHop(header.getKey(), connectionTokens)) {
                out.add(header.getKey(), header.getValue());
            }
        }
        out.set(X_AEGIS_TRACE_ID, traceId);
    }

    private static final AsciiString[] HOP_BY_HOP = {HttpHeaderNames.CONNECTION, KEEP_ALIVE, PROXY_CONNECTION,
        HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
        HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE};

    /**
     * The upstream's response headers made fit for the caller in place: hop-by-hop ones (and any the
     * upstream's {@code Connection} names) removed, the trace id added. No copy: the decoder's headers
     * object goes on to the caller.
     */
    static void forCaller(HttpHeaders upstream, String traceId) {
        String connectionTokens = upstream.get(HttpHeaderNames.CONNECTION);
        if (connectionTokens != null) {
            removeListed(upstream, connectionTokens);
        }
        for (AsciiString name : HOP_BY_HOP) {
            upstream.remove(name);
        }
        upstream.set(X_AEGIS_TRACE_ID, traceId);
    }

    /**
     * Removes each header named in the comma-separated {@code tokens}. The usual values
     * ({@code keep-alive}, {@code close}) name no header to remove and cost nothing.
     */
    private static void removeListed(HttpHeaders headers, String tokens) {
        int from = 0;
        while (from < tokens.length()) {
            int comma = tokens.indexOf(',', from);
            int end = comma < 0 ? tokens.length() : comma;
            int start = from;
            while (start < end && tokens.charAt(start) == ' ') {
                start++;
            }
            int stop = end;
            while (stop > start && tokens.charAt(stop - 1) == ' ') {
                stop--;
            }
            if (stop > start && !isToken(tokens, start, stop, "keep-alive") && !isToken(tokens, start, stop, "close")) {
                headers.remove(tokens.substring(start, stop));
            }
            from = end + 1;
        }
    }

    private static boolean isToken(String tokens, int start, int stop, String token) {
        return stop - start == token.length() && tokens.regionMatches(true, start, token, 0, token.length());
    }

    static void traceIdHeader(HttpHeaders out, String traceId) {
        if (traceId != null) {
            out.set(X_AEGIS_TRACE_ID, traceId);
        }
    }

    private static boolean isCallerCredential(CharSequence name) {
        return AsciiString.contentEqualsIgnoreCase(name, X_API_KEY)
                || AsciiString.contentEqualsIgnoreCase(name, X_GOOG_API_KEY)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.AUTHORIZATION);
    }

    static boolean isHopByHop(CharSequence name, String connectionTokens) {
        if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, KEEP_ALIVE)
                || AsciiString.contentEqualsIgnoreCase(name, PROXY_CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.PROXY_AUTHENTICATE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.PROXY_AUTHORIZATION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)) {
            return true;
        }
        return connectionTokens != null && listsToken(connectionTokens, name);
    }

    /** True when the comma-separated {@code tokens} list {@code name} (case-insensitive). */
    private static boolean listsToken(String tokens, CharSequence name) {
        int from = 0;
        while (from < tokens.length()) {
            int comma = tokens.indexOf(',', from);
            int end = comma < 0 ? tokens.length() : comma;
            int start = from;
            while (start < end && tokens.charAt(start) == ' ') {
                start++;
            }
            int stop = end;
            while (stop > start && tokens.charAt(stop - 1) == ' ') {
                stop--;
            }
            if (stop - start == name.length()
                    && AsciiString.contentEqualsIgnoreCase(tokens.subSequence(start, stop), name)) {
                return true;
            }
            from = end + 1;
        }
        return false;
    }
}
