package io.aegis.gateway.proxy;

import io.aegis.trace.Outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.auth.CallerAuthenticator;
import io.aegis.wire.KeyDigest;
import io.aegis.gateway.auth.VirtualKeyTable;
import io.aegis.gateway.config.AuthMode;
import io.aegis.gateway.request.RequestBodyParser;
import io.aegis.gateway.upstream.UpstreamConnections;
import io.aegis.natives.NetworkTransports;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client pipeline on an {@link EmbeddedChannel}: bytes in, bytes out, every refusal path
 * without a network, and every buffer released (the suite runs with paranoid leak detection).
 */
class FrontendPipelineTest {
    private static final String KEY = "embedded-key";
    private final List<Outcome> outcomes = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void pipeline() throws Exception {
        channel = new EmbeddedChannel();
        ProxyContext context = new ProxyContext(
                new CallerAuthenticator(AuthMode.VIRTUAL, new VirtualKeyTable(
                        Map.of(KeyDigest.hex(KeyDigest.current().sha256(KEY).clone()), "acme"))),
                new RequestBodyParser(1024),
                // No providers: a request that passes every check ends at "provider not configured".
                new UpstreamConnections(channel.eventLoop(), NetworkTransports.select("nio"), Map.of()),
                exchange -> outcomes.add(exchange.outcome()),
                1024,
                java.util.concurrent.TimeUnit.SECONDS.toNanos(60),
                java.util.concurrent.TimeUnit.SECONDS.toNanos(75),
                new ProxyContext.Drain(),
                new io.aegis.gateway.pii.PiiInspector(io.aegis.pii.PiiEngines.java(io.aegis.pii.CatalogueReader.read(
                        java.nio.file.Path.of(System.getProperty("aegis.project.root", ".."), "configs/pii.yaml"))),
                        Map.of(), new io.aegis.gateway.pii.BodyRedactor(new byte[32]), 256),
                new io.aegis.gateway.rules.ActiveRules(io.aegis.rules.RuleSet.empty(List.of())),
                io.aegis.gateway.cost.CostControls.of(new io.aegis.cost.Pricing(Map.of(),
                        new io.aegis.cost.ModelPricing("default", new io.aegis.cost.Price(1, 1, 1, 1, 1), null, 200_000,
                                100, false)), List.of(), Map.of(), Map.of(), null, null, 0, 0),
                null,
                null,
                NanoClock.SYSTEM,
                new io.aegis.gateway.openai.ChatRequestTranslator(io.aegis.gateway.openai.OpenAiSettings.defaults()),
                io.aegis.gateway.openai.OpenAiSettings.defaults());
        channel.pipeline().addLast(new FrontendInitializer(context, 4096));
        channel.pipeline().fireChannelActive();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private String roundTrip(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        channel.runPendingTasks();
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return out.toString();
    }

    private static String post(String path, String headers, String body) {
        return "POST " + path + " HTTP/1.1\r\nhost: x\r\n" + headers + "content-length: " + body.length()
                + "\r\n\r\n" + body;
    }

    @Test
    void refusalsAreAnsweredAndTheConnectionStaysOpen() {
        String response = roundTrip(post("/v1/messages", "", "{}"));
        assertTrue(response.startsWith("HTTP/1.1 401"), response);
        assertTrue(response.contains("\"authentication_error\""), response);
        assertTrue(channel.isActive(), "a refused request on a keep-alive connection leaves it open");

        response = roundTrip(post("/v1beta/models/m:nope", "x-goog-api-key: " + KEY + "\r\n", "{}"));
        assertTrue(response.startsWith("HTTP/1.1 404"), response);
        assertTrue(response.contains("\"NOT_FOUND\""), response);

        response = roundTrip(post("/v1/messages", "x-api-key: " + KEY + "\r\n", "{\"model\":"));
        assertTrue(response.startsWith("HTTP/1.1 400"), response);

        response = roundTrip(post("/v1/messages", "x-api-key: " + KEY + "\r\n",
                "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}"));
        assertTrue(response.startsWith("HTTP/1.1 404"), response);
        assertTrue(response.contains("no anthropic provider configured"), response);
        assertEquals(List.of(Outcome.REJECTED, Outcome.REJECTED, Outcome.REJECTED,
                Outcome.REJECTED), outcomes);
    }

    @Test
    void pipelinedRefusalsComeBackInOrderFromOneWrite() {
        String response = roundTrip(post("/a", "", "{}") + post("/v1/messages", "", "{}") + post("/b", "", "{}"));
        int first = response.indexOf("HTTP/1.1 404");
        int second = response.indexOf("HTTP/1.1 401");
        int third = response.indexOf("HTTP/1.1 404", first + 1);
        assertTrue(first >= 0 && second > first && third > second, response);
        assertEquals(3, outcomes.size());
    }

    @Test
    void oversizeBodyClosesTheChannel() {
        String response = roundTrip(post("/v1/messages", "x-api-key: " + KEY + "\r\n", "x".repeat(2000)));
        assertTrue(response.startsWith("HTTP/1.1 413"), response);
        assertTrue(response.contains("connection: close"), response);
        assertFalse(channel.isActive());
    }

    @Test
    void malformedRequestLineIs400AndCloses() {
        String response = roundTrip("NOT A REQUEST\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 400"), response);
        assertFalse(channel.isActive());
        assertNull(channel.readInbound());
    }
}
