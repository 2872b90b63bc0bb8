package io.aegis.gateway.upstream;

import io.aegis.gateway.error.ErrorClass;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.mock.MockOptions;
import io.aegis.mock.MockUpstream;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.natives.NetworkTransport;
import io.aegis.natives.NetworkTransports;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.InetSocketAddress;
import java.io.File;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Upstream TLS against a local HTTPS mock whose certificate a test CA issued: the chain and the host
 * name are checked, SNI is sent, and any failure is a 502 that names TLS, never a silent downgrade.
 */
class UpstreamTlsTest {
    private static final String ACME = "x-api-key: " + TestGateway.ACME_KEY + "\r\n";
    private static final String MESSAGE = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String SERVER_NAME = "api.aegis-test.example";

    private static EventLoopGroup group;
    private static MockUpstream httpsMock;
    private static File caPem;
    private static File otherCaPem;

    @BeforeAll
    static void startHttpsMock() throws Exception {
        X509Bundle ca = new CertificateBuilder().subject("CN=Aegis Test CA").setIsCertificateAuthority(true)
                .ecp256().buildSelfSigned();
        X509Bundle server = new CertificateBuilder().subject("CN=" + SERVER_NAME).addSanDnsName(SERVER_NAME)
                .addExtendedKeyUsageServerAuth().ecp256().buildIssuedBy(ca);
        X509Bundle otherCa = new CertificateBuilder().subject("CN=Someone Else").setIsCertificateAuthority(true)
                .ecp256().buildSelfSigned();
        caPem = ca.toTempRootCertPem();
        otherCaPem = otherCa.toTempRootCertPem();
        SslContext serverTls = SslContextBuilder.forServer(server.toKeyManagerFactory()).build();
        NetworkTransport transport = NetworkTransports.select("auto");
        group = transport.newEventLoopGroup(1, "tls-mock");
        httpsMock = MockUpstream.start(transport, group, false, new InetSocketAddress("127.0.0.1", 0),
                MockOptions.defaults(), serverTls);
    }

    @AfterAll
    static void stop() {
        httpsMock.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static RawHttp.Response call(TestGateway gateway) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.send(RawHttp.post("/v1/messages", ACME, MESSAGE)).read();
        }
    }

    private static String yamlPath(File file) {
        return file.getAbsolutePath().replace("\\", "/");
    }

    @Test
    void trustedCertificateForTheNameWorksAndSniIsSent() throws Exception {
        try (TestGateway gateway = TestGateway.builder().anthropicBaseUrl(httpsMock.baseUrl())
                .providerExtra("tls: { ca_file: \"" + yamlPath(caPem) + "\", server_name: \"" + SERVER_NAME + "\" }")
                .start()) {
            RawHttp.Response response = call(gateway);
            assertEquals(200, response.status(), response.body());
            assertEquals(SERVER_NAME, response.header("x-mock-received-sni"));
            assertTrue(gateway.nextCompleted().upstream().startsWith("https://127.0.0.1:"));
            // The connection is pooled: a second request reuses the TLS session's connection.
            assertEquals(200, call(gateway).status());
            assertEquals(1, gateway.nextCompleted().attempts());
        }
    }

    @Test
    void certificateFromAnUntrustedCaIsRefused() throws Exception {
        try (TestGateway gateway = TestGateway.builder().anthropicBaseUrl(httpsMock.baseUrl())
                .providerExtra("tls: { ca_file: \"" + yamlPath(otherCaPem) + "\", server_name: \"" + SERVER_NAME
                        + "\" }")
                .start()) {
            RawHttp.Response response = call(gateway);
            assertEquals(502, response.status());
            assertTrue(response.body().contains("TLS"), response.body());
            assertEquals(ErrorClass.UPSTREAM_TLS, gateway.nextCompleted().errorClass());
        }
    }

    @Test
    void certificateForAnotherNameIsRefused() throws Exception {
        try (TestGateway gateway = TestGateway.builder().anthropicBaseUrl(httpsMock.baseUrl())
                .providerExtra("tls: { ca_file: \"" + yamlPath(caPem) + "\", server_name: \"api.anthropic.com\" }")
                .start()) {
            RawHttp.Response response = call(gateway);
            assertEquals(502, response.status(), "host name verification is on");
            assertEquals(ErrorClass.UPSTREAM_TLS, gateway.nextCompleted().errorClass());
        }
    }

    @Test
    void theJdkTrustStoreDoesNotTrustTheTestCa() throws Exception {
        try (TestGateway gateway = TestGateway.builder().anthropicBaseUrl(httpsMock.baseUrl()).start()) {
            assertEquals(502, call(gateway).status());
            assertEquals(ErrorClass.UPSTREAM_TLS, gateway.nextCompleted().errorClass());
        }
    }
}
