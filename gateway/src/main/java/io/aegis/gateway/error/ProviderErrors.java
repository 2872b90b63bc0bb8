package io.aegis.gateway.error;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Renders gateway errors in the provider's shape. Messages are written through Jackson so that any
 * text is escaped; callers must never put a key, a secret or a matched PII string into a message.
 */
public final class ProviderErrors {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final byte[] ANTHROPIC_EVENT_PREFIX = "event: error\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GEMINI_EVENT_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANTHROPIC_EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GEMINI_EVENT_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ProviderErrors() {
    }

    /** The JSON error body for an HTTP error response. */
    public static ByteBuf body(ByteBufAllocator alloc, Provider provider, GatewayError error, String message) {
        return body(alloc, provider, error, error.status(), message);
    }

    /** The same with another HTTP status than the error kind's own (a rule's {@code status: 451}). */
    public static ByteBuf body(ByteBufAllocator alloc, Provider provider, GatewayError error, int status, String message) {
        ByteBuf buf = alloc.buffer(128 + message.length());
        try (OutputStream out = new ByteBufOutputStream(buf)) {
            write(out, provider, error, status, message);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
        }
        return buf;
    }

    /**
     * The in-stream error event for a stream that has already begun: Anthropic's {@code event: error}
     * frame, or Gemini's {@code data: {"error":...}} frame.
     */
    public static ByteBuf streamEvent(ByteBufAllocator alloc, Provider provider, GatewayError error, String message) {
        ByteBuf buf = alloc.buffer(160 + message.length());
        try (OutputStream out = new ByteBufOutputStream(buf)) {
            out.write(provider == Provider.ANTHROPIC ? ANTHROPIC_EVENT_PREFIX : GEMINI_EVENT_PREFIX);
            write(out, provider, error, message);
            out.write(provider == Provider.ANTHROPIC ? ANTHROPIC_EVENT_END : GEMINI_EVENT_END);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException ? new UncheckedIOException((IOException) e) : (RuntimeException) e;
        }
        return buf;
    }

    /** Writes the provider-shaped error object to {@code out}. */
    public static void write(OutputStream out, Provider provider, GatewayError error, String message)
            throws IOException {
        write(out, provider, error, error.status(), message);
    }

    private static void write(OutputStream out, Provider provider, GatewayError error, int status, String message)
            throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            if (provider == Provider.ANTHROPIC) {
                json.writeStringField("type", "error");
                json.writeObjectFieldStart("error");
                json.writeStringField("type", error.anthropicType());
                json.writeStringField("message", message);
                json.writeEndObject();
            } else {
                json.writeObjectFieldStart("error");
                json.writeNumberField("code", status);
                json.writeStringField("message", message);
                json.writeStringField("status", error.geminiStatus());
                json.writeEndObject();
            }
            json.writeEndObject();
        }
    }
}
