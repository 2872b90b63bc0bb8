package io.aegis.gateway.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * Reads usage from a response body as its chunks pass to the caller. The chunks are only read,
 * never kept or changed. SSE bodies go through {@link SseDataExtractor}; JSON bodies and streamed
 * JSON arrays are fed whole. A malformed event is skipped (the next event is read afresh), and a
 * body cut short leaves the best counts seen so far. One reader per connection, reused per response.
 */
public final class ResponseUsageReader implements SseDataExtractor.Sink {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final byte[] NEWLINE = {'\n'};
    private static final byte[] MESSAGE_START = "message_start".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_DELTA = "message_delta".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "error".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_BLOCK_DELTA = "content_block_delta".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII);

    private final Usage usage = new Usage();
    private final AnthropicUsageVisitor anthropic = new AnthropicUsageVisitor(usage);
    private final GeminiUsageVisitor gemini = new GeminiUsageVisitor(usage);
    private final SseDataExtractor sse = new SseDataExtractor(this);
    private JsonTokenVisitor visitor;
    private JsonParser parser;
    private boolean sseBody;
    private boolean broken;
    private boolean active;
    private byte[] scratch = new byte[8192];
    private int malformedEvents;
    private Provider provider;
    /** False while the current SSE event is one whose data holds no usage (named by its event line). */
    private boolean eventWanted = true;
    /** An event carrying the answer's first content went by (time to first token). */
    private boolean contentSeen;

    /** Starts reading a new response body of {@code provider}; {@code eventStream} for SSE bodies. */
    public void begin(Provider provider, boolean eventStream) {
        usage.reset();
        this.provider = provider;
        eventWanted = true;
        contentSeen = false;
        visitor = provider == Provider.ANTHROPIC ? anthropic : gemini;
        visitor.resetValue();
        sse.reset();
        sseBody = eventStream;
        broken = false;
        malformedEvents = 0;
        active = true;
        closeParser();
        parser = newParser();
    }

    /** Reads one chunk of the body; the buffer's indexes are not changed. */
    public void feed(ByteBuf chunk) {
        if (!active || !chunk.isReadable()) {
            return;
        }
        if (sseBody) {
            sse.feed(chunk);
        } else {
            data(chunk, chunk.readerIndex(), chunk.readableBytes());
        }
    }

    /** Ends the body; the usage read so far stays available. */
    public void finish() {
        if (active && sseBody) {
            // A final event without its blank line still counts.
            eventEnd();
        } else if (active && parser != null && !broken) {
            try {
                ((ByteArrayFeeder) parser.getNonBlockingInputFeeder()).endOfInput();
                drain();
            } catch (IOException e) {
                broken = true;
            }
        }
        active = false;
        closeParser();
    }

    public Usage usage() {
        return usage;
    }

    /** SSE events whose JSON could not be read (each was skipped). */
    public int malformedEvents() {
        return malformedEvents;
    }

    @Override
    public void eventName(byte[] name, int length) {
        // Anthropic names every event, and only these carry usage or errors; the rest (content deltas,
        // pings, new kinds) are skipped unparsed. Gemini sends no event lines, so all its data is read.
        eventWanted = provider != Provider.ANTHROPIC
                || is(name, length, MESSAGE_START) || is(name, length, MESSAGE_DELTA) || is(name, length, ERROR);
        if (provider == Provider.ANTHROPIC && !contentSeen && is(name, length, CONTENT_BLOCK_DELTA)) {
            contentSeen = true; // the first piece of content: text, a tool's input or thinking
        }
    }

    /**
     * True once a streamed answer's first content went by: Anthropic's first {@code content_block_delta},
     * Gemini's first event (each carries a piece of the candidate). Never for whole bodies or Gemini's
     * streamed JSON arrays, which are read as one value.
     */
    public boolean contentSeen() {
        return contentSeen;
    }

    @Override
    public boolean wantsData() {
        return eventWanted;
    }

    private static boolean is(byte[] name, int length, byte[] expected) {
        return length == expected.length && java.util.Arrays.equals(name, 0, length, expected, 0, length);
    }

    @Override
    public void data(ByteBuf buffer, int index, int length) {
        if (provider == Provider.GEMINI && sseBody) {
            contentSeen = true;
        }
        if (broken) {
            return;
        }
        try {
            if (buffer.hasArray()) {
                feedBytes(buffer.array(), buffer.arrayOffset() + index, length);
            } else {
                if (scratch.length < length) {
                    scratch = new byte[Math.max(length, scratch.length * 2)];
                }
                buffer.getBytes(index, scratch, 0, length);
                feedBytes(scratch, 0, length);
            }
        } catch (IOException e) {
            broken = true;
        }
    }

    @Override
    public void lineEnd() {
        if (!broken) {
            try {
                feedBytes(NEWLINE, 0, 1);
            } catch (IOException e) {
                broken = true;
            }
        }
    }

    @Override
    public void eventEnd() {
        eventWanted = true;
        if (broken || visitor != null && parserMidValue()) {
            // The event's JSON was bad or incomplete: start the next event with a fresh parser.
            malformedEvents++;
            broken = false;
            visitor.resetValue();
            closeParser();
            parser = newParser();
        }
    }

    private boolean parserMidValue() {
        return parser != null && parser.getParsingContext() != null && !parser.getParsingContext().inRoot();
    }

    private void feedBytes(byte[] bytes, int offset, int length) throws IOException {
        ByteArrayFeeder feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        feeder.feedInput(bytes, offset, offset + length);
        drain();
    }

    private void drain() throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            visitor.token(token, parser);
        }
    }

    private JsonParser newParser() {
        try {
            return JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("jackson cannot create a non-blocking parser", e);
        }
    }

    private void closeParser() {
        if (parser != null) {
            try {
                parser.close();
            } catch (IOException ignored) {
                // Closing a non-blocking parser releases buffers only; nothing to report.
            }
            parser = null;
        }
    }
}
