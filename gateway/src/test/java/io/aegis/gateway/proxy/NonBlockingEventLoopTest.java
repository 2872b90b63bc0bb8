package io.aegis.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.google.genai.Client;
import com.google.genai.ResponseStream;
import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.Part;
import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockHound;

/**
 * Nothing blocks on an event loop: BlockHound instruments the JVM (in a fork of its own, see the
 * gateway pom) and records every blocking call made on a Netty event-loop thread while real traffic
 * (both SDKs, streams, errors, faults) runs through the gateway and the mock.
 */
@Tag("blockhound")
class NonBlockingEventLoopTest {
    private static final List<String> BLOCKING_CALLS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void installBlockHound() {
        BlockHound.install(builder -> builder.blockingMethodCallback(method ->
                BLOCKING_CALLS.add(method + " on " + Thread.currentThread().getName())));
    }

    @Test
    void aBlockingCallOnAnEventLoopIsCaught() throws Exception {
        BLOCKING_CALLS.clear();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            group.submit(() -> {
                try (FileInputStream in = new FileInputStream("/dev/zero")) {
                    return in.read();
                }
            }).get(10, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        assertFalse(BLOCKING_CALLS.isEmpty(), "BlockHound must see a file read on an event loop");
        BLOCKING_CALLS.clear();
    }

    @Test
    void trafficThroughTheGatewayNeverBlocksAnEventLoop() throws IOException {
        BLOCKING_CALLS.clear();
        try (TestGateway gateway = TestGateway.start()) {
            AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl())
                    .apiKey(TestGateway.ACME_KEY).maxRetries(2).build();
            MessageCreateParams params = MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64)
                    .addUserMessage("hello there").build();
            assertEquals(1, anthropic.messages().create(params).content().size());
            try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(params)) {
                assertTrue(stream.stream().count() > 3);
            }
            MessageCreateParams retried = params.toBuilder().model("claude-haiku-4-5-fault-429x1-blockhound").build();
            assertEquals(1, anthropic.messages().create(retried).content().size());

            Client gemini = Client.builder().apiKey(TestGateway.ACME_KEY)
                    .httpOptions(HttpOptions.builder().baseUrl(gateway.baseUrl()).apiVersion("v1beta").build())
                    .build();
            assertFalse(gemini.models.generateContent("gemini-2.5-flash", "hello", null).text().isEmpty());
            try (ResponseStream<GenerateContentResponse> stream = gemini.models.generateContentStream(
                    "gemini-2.5-flash", List.of(Content.fromParts(Part.fromText("hello"))), null)) {
                int chunks = 0;
                for (GenerateContentResponse ignored : stream) {
                    chunks++;
                }
                assertTrue(chunks > 1);
            }
            for (String fault : List.of("reset_before", "reset_mid_stream", "stream_error", "bad_json_chunk")) {
                try (RawHttp http = new RawHttp(gateway.port())) {
                    http.send(RawHttp.post("/v1/messages", "x-api-key: " + TestGateway.ACME_KEY
                            + "\r\nx-mock-fault: " + fault + "\r\n", "{\"model\":\"m\",\"max_tokens\":9,\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).read();
                }
            }
            try (RawHttp http = new RawHttp(gateway.port())) {
                assertEquals(401, http.send(RawHttp.post("/v1/messages", "", "{}")).read().status());
            }
            for (int i = 0; i < 10; i++) {
                gateway.nextCompleted();
            }
        }
        assertTrue(BLOCKING_CALLS.isEmpty(), "blocking calls on event loops: " + BLOCKING_CALLS);
    }
}
