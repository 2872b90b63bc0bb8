package io.aegis.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.aegis.gateway.request.RequestBodyParser;
import io.aegis.gateway.request.RequestFacts;
import io.aegis.wire.Operation;
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
 * The request parse that every proxied request pays, against a baseline in the same run: a bare
 * jackson-core pass over the same bytes that reads every token and keeps nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RequestParsingBenchmark {
    private static final JsonFactory JSON = new JsonFactory();

    private final RequestBodyParser parser = new RequestBodyParser(32 << 20);
    private final RequestFacts facts = new RequestFacts();
    private ByteBuf body;

    @Setup
    public void setUp() {
        StringBuilder json = new StringBuilder("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"You are a careful assistant for the support team.\"}],"
                + "\"tools\":[{\"name\":\"lookup_order\",\"description\":\"Find an order by id\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}}],"
                + "\"messages\":[");
        for (int i = 0; i < 8; i++) {
            json.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\",\"content\":[{\"type\":\"text\",\"text\":\"Turn ").append(i)
                    .append(": the customer writes about order 1234-5678 and asks when it ships, quoting \\\"soon\\\".\"}]}");
        }
        json.append("]}");
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        body = Unpooled.wrappedBuffer(bytes);
    }

    @TearDown
    public void tearDown() {
        body.release();
    }

    /** What the gateway does: facts and text spans, skipping everything else. */
    @Benchmark
    public int gatewayParse() {
        parser.parse(body, Operation.ANTHROPIC_MESSAGES, null, facts);
        return facts.textSpanCount();
    }

    /** Baseline: every token read by jackson-core, nothing kept. */
    @Benchmark
    public int jacksonTokenPass() throws IOException {
        int tokens = 0;
        try (JsonParser p = JSON.createParser(body.array(), body.arrayOffset() + body.readerIndex(),
                body.readableBytes())) {
            while (p.nextToken() != null) {
                tokens++;
            }
        }
        return tokens;
    }

    /** What a body-buffering gateway that builds a tree pays, for comparison. */
    @Benchmark
    public Object jacksonTree() throws IOException {
        return TREE.readTree(body.array());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper TREE =
            new com.fasterxml.jackson.databind.ObjectMapper();
}
