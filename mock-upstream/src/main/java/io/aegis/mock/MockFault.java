package io.aegis.mock;

import java.util.Locale;

/**
 * The faults the mock can inject. Selected per request with the {@code x-mock-fault} header or a
 * {@code fault-NAME} segment in the model name (for example {@code claude-haiku-4-5-fault-429x1}),
 * or for a share of all requests with {@code --faults}.
 */
public enum MockFault {
    NONE("none"),
    /** 429 with {@code retry-after} and {@code retry-after-ms} (Anthropic) or a RetryInfo detail (Gemini). */
    RATE_LIMITED("429"),
    SERVER_ERROR("500"),
    UNAVAILABLE("503"),
    OVERLOADED("529"),
    /** The connection is reset before any response byte. */
    RESET_BEFORE_RESPONSE("reset_before"),
    /** Part of the response is sent, then the connection is reset. */
    RESET_MID_STREAM("reset_mid_stream"),
    /** One streamed event carries malformed JSON; the stream then goes on. */
    BAD_JSON_CHUNK("bad_json_chunk"),
    /** The stream ends with the provider's in-stream error event. */
    STREAM_ERROR("stream_error"),
    /** The first byte waits {@code x-mock-delay-ms} (default 3 s). */
    SLOW_FIRST_BYTE("slow_first_byte"),
    /** Each chunk waits {@code x-mock-delay-ms} (default 200 ms). */
    SLOW_DRIP("slow_drip"),
    /** The head comes at once, the first body byte (a stream's first event) after {@code x-mock-delay-ms} (default 3 s). */
    SLOW_FIRST_TOKEN("slow_first_token"),
    /** Half the stream is sent, then nothing more: the connection stays open and silent. */
    STALL("stall");

    private final String specName;

    MockFault(String specName) {
        this.specName = specName;
    }

    /** The name used in headers, model names and {@code --faults}. */
    public String specName() {
        return specName;
    }

    /** The fault named {@code name} (case-insensitive, '-' or '_'), or {@code null}. */
    public static MockFault byName(String name) {
        String normal = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (MockFault fault : values()) {
            if (fault.specName.equals(normal)) {
                return fault;
            }
        }
        return null;
    }

    /** All spec names, for messages. */
    public static String names() {
        StringBuilder out = new StringBuilder();
        for (MockFault fault : values()) {
            if (fault != NONE) {
                out.append(out.length() == 0 ? "" : ", ").append(fault.specName);
            }
        }
        return out.toString();
    }
}
