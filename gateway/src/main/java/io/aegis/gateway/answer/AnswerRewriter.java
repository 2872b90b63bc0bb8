package io.aegis.gateway.answer;

import io.aegis.wire.Provider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Rewrites an answer's body as it passes, around the text {@link AnswerScan} changes: server-sent
 * events one event at a time (names, ids, comments and untouched events as they came), Gemini's
 * streamed JSON array one element at a time (separators as they came), and a whole JSON body at its
 * end. Chunks may split anything anywhere (an event, a UTF-8 character, an escape): a unit is
 * rewritten only once it is complete. What is held back is the unit under way and the texts'
 * hold-back, never the answer. One per connection, reused per exchange.
 */
public final class AnswerRewriter {
    /** A whole (non-streamed) body larger than this is not held to be rewritten: it is refused. */
    public static final int MAX_WHOLE_BYTES = 64 * 1024 * 1024;

    private enum Framing { EVENTS, ARRAY, WHOLE }

    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final AnthropicTexts anthropic = new AnthropicTexts();
    private final GeminiTexts gemini = new GeminiTexts();
    private final ByteSink out = new ByteSink();
    private final ByteSink payloadOut = new ByteSink();
    private final ByteSink joined = new ByteSink();
    private TextPayloads texts;
    private AnswerScan scan;
    private Framing framing;
    /** Event streams: the line ending the upstream uses, for the events made up here. */
    private byte[] lineEnd = {'\n'};
    private boolean tooLarge;

    /** The unit under way: an event, an array element or the whole body. */
    private byte[] unit = new byte[4096];
    private int unitLength;
    // Event framing state.
    private boolean lineEmpty = true;
    private boolean lastWasCr;
    private boolean skipLf;
    // Array framing state.
    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean elementWritten;
    private boolean arrayEnded;

    private final TextPayloads.Extra extra = this::extraPayload;

    /**
     * Starts rewriting an answer of {@code provider}: an event stream, else a streamed JSON array
     * when {@code streamed}, else a whole body.
     */
    public void begin(Provider provider, boolean eventStream, boolean streamed, AnswerScan scan) {
        this.scan = scan;
        framing = eventStream ? Framing.EVENTS : streamed ? Framing.ARRAY : Framing.WHOLE;
        boolean whole = framing == Framing.WHOLE;
        if (provider == Provider.ANTHROPIC) {
            anthropic.begin(scan, whole);
            texts = anthropic;
            lineEnd = new byte[] {'\n'};
        } else {
            gemini.begin(scan, whole);
            texts = gemini;
            lineEnd = new byte[] {'\r', '\n'};
        }
        unitLength = 0;
        lineEmpty = true;
        lastWasCr = false;
        skipLf = false;
        depth = 0;
        inString = false;
        escaped = false;
        elementWritten = false;
        arrayEnded = false;
        tooLarge = false;
    }

    /** True when a blocked type stopped the answer: nothing more of it may go out. */
    public boolean blocked() {
        return scan.blocked();
    }

    /** True when a whole body grew past {@link #MAX_WHOLE_BYTES}. */
    public boolean tooLarge() {
        return tooLarge;
    }

    /** True for a whole body: nothing goes out before {@link #finish}. */
    public boolean wholeBody() {
        return framing == Framing.WHOLE;
    }

    /** Reads a chunk; returns what may go to the caller now (possibly nothing). */
    public ByteBuf feed(ByteBufAllocator alloc, ByteBuf chunk) {
        out.clear();
        int from = chunk.readerIndex();
        int to = chunk.writerIndex();
        if (!blocked() && !tooLarge) {
            switch (framing) {
                case EVENTS -> {
                    for (int i = from; i < to && !blocked(); i++) {
                        event(chunk.getByte(i));
                    }
                }
                case ARRAY -> {
                    for (int i = from; i < to && !blocked(); i++) {
                        array(chunk.getByte(i));
                    }
                }
                default -> {
                    if ((long) unitLength + (to - from) > MAX_WHOLE_BYTES) {
                        tooLarge = true;
                    } else {
                        ensure(to - from);
                        chunk.getBytes(from, unit, unitLength, to - from);
                        unitLength += to - from;
                    }
                }
            }
        }
        return drain(alloc);
    }

    /** The body ended: what is left goes out (the texts' held-back ends included). */
    public ByteBuf finish(ByteBufAllocator alloc) {
        out.clear();
        if (!blocked() && !tooLarge) {
            switch (framing) {
                case EVENTS -> {
                    if (unitLength > 0) {
                        eventEnded();
                    }
                    texts.finish(extra);
                }
                case ARRAY -> {
                    if (!arrayEnded) {
                        texts.finish(extra);
                    }
                    out.write(unit, 0, unitLength); // an element cut short goes on as it came
                    unitLength = 0;
                }
                default -> {
                    payloadOut.clear();
                    if (texts.rewrite(unit, 0, unitLength, payloadOut, extra)) {
                        out.write(payloadOut.bytes(), 0, payloadOut.length());
                    } else {
                        out.write(unit, 0, unitLength);
                    }
                    unitLength = 0;
                }
            }
        }
        if (blocked()) {
            out.clear();
        }
        return drain(alloc);
    }

    private ByteBuf drain(ByteBufAllocator alloc) {
        if (out.length() == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf buffer = alloc.buffer(out.length());
        buffer.writeBytes(out.bytes(), 0, out.length());
        return buffer;
    }

    // ---- Server-sent events ----

    private void event(byte b) {
        if (skipLf) {
            skipLf = false;
            if (b == '\n') {
                // The line feed of the CRLF that ended the last event: between events, as it came.
                out.write(b);
                return;
            }
        }
        append(b);
        if (b == '\n' && lastWasCr) {
            lastWasCr = false;
            return;
        }
        if (b == '\n' || b == '\r') {
            lastWasCr = b == '\r';
            if (lineEmpty) {
                skipLf = lastWasCr;
                lastWasCr = false;
                eventEnded();
            }
            lineEmpty = true;
            return;
        }
        lastWasCr = false;
        lineEmpty = false;
    }

    /** A complete event is in {@link #unit}: its data rewritten (or not), and out it goes. */
    private void eventEnded() {
        int dataLines = 0;
        int dataStart = -1;
        int dataEnd = -1;
        joined.clear();
        int line = 0;
        while (line < unitLength) {
            int eol = line;
            while (eol < unitLength && unit[eol] != '\n' && unit[eol] != '\r') {
                eol++;
            }
            if (startsWith(line, eol, "data:")) {
                int value = line + 5;
                if (value < eol && unit[value] == ' ') {
                    value++;
                }
                if (dataLines++ > 0) {
                    joined.write('\n');
                } else {
                    dataStart = line;
                }
                joined.write(unit, value, eol - value);
                dataEnd = next(eol);
            }
            line = next(eol);
        }
        payloadOut.clear();
        if (dataLines == 0 || !texts.rewrite(joined.bytes(), 0, joined.length(), payloadOut, extra)) {
            if (!blocked()) {
                out.write(unit, 0, unitLength);
            }
        } else if (!blocked()) {
            // Lines before the data as they came, one data line with the new payload, the rest as they came.
            out.write(unit, 0, dataStart);
            out.write(DATA, 0, DATA.length);
            out.write(payloadOut.bytes(), 0, payloadOut.length());
            out.write(lineEnd, 0, lineEnd.length);
            int rest = dataEnd;
            int lineAt = dataEnd;
            // Drop further data lines (joined above); keep everything else.
            while (lineAt < unitLength) {
                int eol = lineAt;
                while (eol < unitLength && unit[eol] != '\n' && unit[eol] != '\r') {
                    eol++;
                }
                int after = next(eol);
                if (startsWith(lineAt, eol, "data:")) {
                    out.write(unit, rest, lineAt - rest);
                    rest = after;
                }
                lineAt = after;
            }
            out.write(unit, rest, unitLength - rest);
        }
        unitLength = 0;
    }

    private int next(int eol) {
        if (eol >= unitLength) {
            return unitLength;
        }
        if (unit[eol] == '\r' && eol + 1 < unitLength && unit[eol + 1] == '\n') {
            return eol + 2;
        }
        return eol + 1;
    }

    private boolean startsWith(int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (unit[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A payload made up by the texts (a held-back end), framed like the stream's own. */
    private void extraPayload(String eventName, ByteSink json) {
        switch (framing) {
            case EVENTS -> {
                if (eventName != null) {
                    out.write(EVENT, 0, EVENT.length);
                    out.writeAscii(eventName);
                    out.write(lineEnd, 0, lineEnd.length);
                }
                out.write(DATA, 0, DATA.length);
                out.write(json.bytes(), 0, json.length());
                out.write(lineEnd, 0, lineEnd.length);
                out.write(lineEnd, 0, lineEnd.length);
            }
            case ARRAY -> {
                // Before the element under way (which follows with its own separator), or before the ']'.
                if (arrayEnded || unitLength == 0) {
                    out.write(elementWritten ? ',' : ' ');
                    out.write(json.bytes(), 0, json.length());
                } else {
                    out.write(json.bytes(), 0, json.length());
                    out.write(',');
                }
                elementWritten = true;
            }
            default -> {
                // A whole body's texts end inside it.
            }
        }
    }

    // ---- Streamed JSON arrays ----

    private void array(byte b) {
        if (depth == 0) {
            if (b == '{' || b == '[' && elementWritten) {
                depth = 1;
                append(b);
                return;
            }
            if (b == ']') {
                arrayEnded = true;
                texts.finish(extra);
            }
            if (!blocked()) {
                out.write(b); // '[', ',', whitespace, ']': as they came
            }
            return;
        }
        append(b);
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else if (b == '"') {
                inString = false;
            }
            return;
        }
        if (b == '"') {
            inString = true;
        } else if (b == '{' || b == '[') {
            depth++;
        } else if ((b == '}' || b == ']') && --depth == 0) {
            payloadOut.clear();
            boolean rewritten = texts.rewrite(unit, 0, unitLength, payloadOut, extra);
            if (!blocked()) {
                if (rewritten) {
                    out.write(payloadOut.bytes(), 0, payloadOut.length());
                } else {
                    out.write(unit, 0, unitLength);
                }
            }
            unitLength = 0;
            elementWritten = true;
        }
    }

    private void append(byte b) {
        ensure(1);
        unit[unitLength++] = b;
    }

    private void ensure(int more) {
        if (unitLength + more > unit.length) {
            unit = Arrays.copyOf(unit, Math.max(unit.length * 2, unitLength + more));
        }
    }
}
