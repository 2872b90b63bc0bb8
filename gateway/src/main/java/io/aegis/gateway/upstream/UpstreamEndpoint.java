package io.aegis.gateway.upstream;

import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.util.Locale;

/**
 * One upstream origin: where to connect, whether with TLS, and the path prefix of its base URL.
 * Each endpoint has a small index so pools can keep their idle connections in arrays.
 */
public final class UpstreamEndpoint {
    private final int index;
    private final String host;
    private final String tlsName;
    private final int port;
    private final SslContext tls;
    private final String basePath;
    private final String hostHeader;
    private final String display;

    UpstreamEndpoint(int index, URI baseUrl, SslContext tls, String tlsServerName) {
        this.index = index;
        boolean https = "https".equals(baseUrl.getScheme().toLowerCase(Locale.ROOT));
        this.host = baseUrl.getHost();
        this.tlsName = tlsServerName != null ? tlsServerName : host;
        this.port = baseUrl.getPort() > 0 ? baseUrl.getPort() : (https ? 443 : 80);
        this.tls = https ? tls : null;
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        boolean defaultPort = baseUrl.getPort() < 0 || port == (https ? 443 : 80);
        this.hostHeader = defaultPort ? host : host + ":" + port;
        this.display = (https ? "https://" : "http://") + hostHeader;
    }

    int index() {
        return index;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The name sent as SNI and verified against the upstream's certificate. */
    public String tlsName() {
        return tlsName;
    }

    /** The TLS context, or {@code null} for plain HTTP. */
    public SslContext tls() {
        return tls;
    }

    /** The base URL's path without a trailing slash ("" for none). */
    public String basePath() {
        return basePath;
    }

    /** The {@code Host} header value. */
    public String hostHeader() {
        return hostHeader;
    }

    /** {@code scheme://host[:port]}, for traces and messages; never carries a key. */
    @Override
    public String toString() {
        return display;
    }
}
