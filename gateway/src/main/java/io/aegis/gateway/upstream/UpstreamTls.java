package io.aegis.gateway.upstream;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * Client TLS for upstreams: certificate chain and host name checked (HTTPS endpoint identification),
 * SNI sent, and either the JDK's trust store or a configured CA file.
 */
public final class UpstreamTls {
    private UpstreamTls() {
    }

    /** A client context trusting {@code caFile}, or the JDK's default trust store when it is {@code null}. */
    public static SslContext clientContext(Path caFile) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm("HTTPS")
                .protocols("TLSv1.3", "TLSv1.2");
        if (caFile != null) {
            builder.trustManager(caFile.toFile());
        }
        return builder.build();
    }
}
