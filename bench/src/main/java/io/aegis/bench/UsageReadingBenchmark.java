package io.aegis.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.aegis.wire.Provider;
import io.aegis.gateway.usage.ResponseUsageReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading usage on the side of a streamed Anthropic answer (34 SSE events, in network-sized
 * chunks), against a baseline in the same run: the same JSON payloads through a bare non-blocking
 * jackson parser with no SSE framing and no usage logic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class UsageReadingBenchmark {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int CHUNK_BYTES = 512;

    private final ResponseUsageReader reader = new ResponseUsageReader();
    private ByteBuf[] chunks;
    private byte[] payloads;

    @Setup
    public void setUp() {
        StringBuilder sse = new StringBuilder();
        StringBuilder json = new StringBuilder();
        event(sse, json, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":1200,"
                + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":4000,\"output_tokens\":1}}}");
        event(sse, json, "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        for (int i = 0; i < 30; i++) {
            event(sse, json, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\" words number " + i + " of the answer\"}}");
        }
        event(sse, json, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":90}}");
        event(sse, json, "message_stop", "{\"type\":\"message_stop\"}");
        byte[] bytes = sse.toString().getBytes(StandardCharsets.UTF_8);
        int count = (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES;
        chunks = new ByteBuf[count];
        for (int i = 0; i < count; i++) {
            int from = i * CHUNK_BYTES;
            int length = Math.min(CHUNK_BYTES, bytes.length - from);
            chunks[i] = Unpooled.directBuffer(length).writeBytes(bytes, from, length);
        }
        payloads = json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void event(StringBuilder sse, StringBuilder json, String name, String data) {
        sse.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
        json.append(data).append('\n');
    }

    @TearDown
    public void tearDown() {
        for (ByteBuf chunk : chunks) {
            chunk.release();
        }
    }

    @Benchmark
    public long gatewayUsageReader() {
        reader.begin(Provider.ANTHROPIC, true);
        for (ByteBuf chunk : chunks) {
            reader.feed(chunk);
        }
        reader.finish();
        return reader.usage().outputTokens();
    }

    /** Baseline: the JSON alone, already unframed, through a fresh non-blocking parser. */
    @Benchmark
    public int jacksonNonBlockingPass() throws IOException {
        int tokens = 0;
        try (JsonParser parser = JSON.createNonBlockingByteArrayParser()) {
            ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).feedInput(payloads, 0, payloads.length);
            ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).endOfInput();
            JsonToken token;
            while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
                tokens++;
            }
        }
        return tokens;
    }
}
