package io.aegis.bench;

import io.aegis.gateway.openai.ChatAnswerTranslator;
import io.aegis.gateway.openai.ChatRequestTranslator;
import io.aegis.gateway.openai.OpenAiCall;
import io.aegis.gateway.openai.OpenAiSettings;
import io.aegis.gateway.request.RequestBodyParser;
import io.aegis.gateway.request.RequestFacts;
import io.aegis.gateway.usage.ResponseUsageReader;
import io.aegis.wire.Operation;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
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
 * What the OpenAI-compatible path adds per request, against the native path in the same run: the
 * same conversation (system prompt, a tool, eight turns) as an OpenAI request translated and then
 * parsed, against the Anthropic request parsed as it comes; and a 34-event answer stream
 * translated into OpenAI chunks, against the usage reading every native stream already pays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class OpenAiTranslationBenchmark {
    private static final ByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private final RequestBodyParser parser = new RequestBodyParser(32 << 20);
    private final RequestFacts facts = new RequestFacts();
    private final ChatRequestTranslator translator = new ChatRequestTranslator(OpenAiSettings.defaults());
    private final OpenAiCall call = new OpenAiCall();
    private final OpenAiCall streamCall = new OpenAiCall();
    private final ChatAnswerTranslator answer = new ChatAnswerTranslator();
    private final ResponseUsageReader usage = new ResponseUsageReader();
    private ByteBuf nativeBody;
    private ByteBuf openAiBody;
    private ByteBuf stream;

    @Setup
    public void setUp() {
        StringBuilder anthropic = new StringBuilder("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"You are a careful assistant for the support team.\"}],"
                + "\"tools\":[{\"name\":\"lookup_order\",\"description\":\"Find an order by id\","
                + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}}],"
                + "\"messages\":[");
        StringBuilder openAi = new StringBuilder("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup_order\",\"description\":"
                + "\"Find an order by id\",\"parameters\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}}}}}],"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are a careful assistant for the support team.\"}");
        for (int i = 0; i < 8; i++) {
            String role = i % 2 == 0 ? "user" : "assistant";
            String text = "Turn " + i + ": the customer writes about order 1234-5678 and asks when it ships, quoting \\\"soon\\\".";
            anthropic.append(i == 0 ? "" : ",").append("{\"role\":\"").append(role)
                    .append("\",\"content\":[{\"type\":\"text\",\"text\":\"").append(text).append("\"}]}");
            openAi.append(",{\"role\":\"").append(role).append("\",\"content\":\"").append(text).append("\"}");
        }
        anthropic.append("]}");
        openAi.append("]}");
        nativeBody = Unpooled.wrappedBuffer(anthropic.toString().getBytes(StandardCharsets.UTF_8));
        openAiBody = Unpooled.wrappedBuffer(openAi.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder sse = new StringBuilder();
        sse.append(event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],"
                + "\"usage\":{\"input_tokens\":1200,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":4000,"
                + "\"output_tokens\":1}}}"));
        sse.append(event("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        for (int i = 0; i < 30; i++) {
            sse.append(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\" words number " + i + " of the answer\"}}"));
        }
        sse.append(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":90}}"));
        sse.append(event("message_stop", "{\"type\":\"message_stop\"}"));
        stream = Unpooled.wrappedBuffer(sse.toString().getBytes(StandardCharsets.UTF_8));
        try {
            // The call as the request path leaves it: streamed, with the usage chunk.
            translator.translate(openAiBody, false, streamCall).body().release();
        } catch (ChatRequestTranslator.Problem e) {
            throw new IllegalStateException(e);
        }
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    @TearDown
    public void tearDown() {
        nativeBody.release();
        openAiBody.release();
        stream.release();
    }

    /** Baseline: the native request's parse, which every request pays. */
    @Benchmark
    public int nativeParse() {
        parser.parse(nativeBody, Operation.ANTHROPIC_MESSAGES, null, facts);
        return facts.textSpanCount();
    }

    /** The OpenAI request translated into Anthropic's, then parsed like a native one. */
    @Benchmark
    public int openAiTranslateAndParse() throws Exception {
        ChatRequestTranslator.Native translated = translator.translate(openAiBody, false, call);
        try {
            parser.parse(translated.body(), translated.operation(), translated.pathModel(), facts);
            return facts.textSpanCount();
        } finally {
            translated.body().release();
        }
    }

    /** Baseline: reading usage from the native stream, which every streamed answer pays. */
    @Benchmark
    public long nativeStreamUsage() {
        usage.begin(Provider.ANTHROPIC, true);
        usage.feed(stream);
        usage.finish();
        return usage.usage().outputTokens();
    }

    /** The same stream into OpenAI chunks (usage read on the side as well, as the gateway does). */
    @Benchmark
    public int openAiStreamTranslation() {
        usage.begin(Provider.ANTHROPIC, true);
        usage.feed(stream);
        usage.finish();
        answer.begin(streamCall, 200, true);
        ByteBuf out = answer.feed(ALLOC, stream);
        int bytes = out.readableBytes();
        out.release();
        out = answer.finish(ALLOC);
        bytes += out.readableBytes();
        out.release();
        return bytes;
    }
}
