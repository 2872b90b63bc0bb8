package io.aegis.gateway.error;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.aegis.wire.CallerApi;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Renders gateway errors in the shape of the API the caller speaks (Anthropic's, Gemini's, OpenAI's). Messages are written through Jackson so that any
 * text is escaped; callers must never put a key, a secret or a matched PII string into a message.
 */
public final class ProviderErrors {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final byte[] ANTHROPIC_EVENT_PREFIX = "event: error\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GEMINI_EVENT_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANTHROPIC_EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GEMINI_EVENT_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] OPENAI_EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private ProviderErrors() {
    }

    /** The JSON error body for an HTTP error response, in the shape of the API the caller speaks. */
    public static ByteBuf body(ByteBufAllocator alloc, CallerApi api, GatewayError error, String message) {
        return body(alloc, api, error, error.status(), message, null, null);
    }

    /**
     * The same with another HTTP status than the error kind's own (a rule's {@code status: 451}), and
     * for OpenAI callers the {@code param} at fault and a {@code code} (either may be {@code null}).
     */
    public static ByteBuf body(ByteBufAllocator alloc, CallerApi api, GatewayError error, int status, String message,
                               String param, String code) {
        ByteBuf buf = alloc.buffer(128 + message.length());
        try (OutputStream out = new ByteBufOutputStream(buf)) {
            write(out, api, error, status, message, param, code);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
        }
        return buf;
    }

    /**
     * The in-stream error event for a stream that has already begun: Anthropic's {@code event: error}
     * frame, Gemini's {@code data: {"error":...}} frame, or OpenAI's {@code data: {"error":...}} line
     * (after which no {@code [DONE]} comes).
     */
    public static ByteBuf streamEvent(ByteBufAllocator alloc, CallerApi api, GatewayError error, String message) {
        ByteBuf buf = alloc.buffer(160 + message.length());
        try (OutputStream out = new ByteBufOutputStream(buf)) {
            out.write(api == CallerApi.ANTHROPIC ? ANTHROPIC_EVENT_PREFIX : GEMINI_EVENT_PREFIX);
            write(out, api, error, error.status(), message, null, null);
            out.write(api == CallerApi.ANTHROPIC ? ANTHROPIC_EVENT_END : api == CallerApi.GEMINI ? GEMINI_EVENT_END
                    : OPENAI_EVENT_END);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
        }
        return buf;
    }

    /** Writes the error object in {@code api}'s shape to {@code out}. */
    public static void write(OutputStream out, CallerApi api, GatewayError error, String message) throws IOException {
        write(out, api, error, error.status(), message, null, null);
    }

    private static void write(OutputStream out, CallerApi api, GatewayError error, int status, String message,
                              String param, String code) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            switch (api) {
                case ANTHROPIC -> {
                    json.writeStringField("type", "error");
                    json.writeObjectFieldStart("error");
                    json.writeStringField("type", error.anthropicType());
                    json.writeStringField("message", message);
                    json.writeEndObject();
                }
                case GEMINI -> {
                    json.writeObjectFieldStart("error");
                    json.writeNumberField("code", status);
                    json.writeStringField("message", message);
                    json.writeStringField("status", error.geminiStatus());
                    json.writeEndObject();
                }
                default -> {
                    json.writeObjectFieldStart("error");
                    json.writeStringField("message", message);
                    json.writeStringField("type", error.openAiType());
                    json.writeStringField("param", param);
                    json.writeStringField("code", code);
                    json.writeEndObject();
                }
            }
            json.writeEndObject();
        }
    }
}
