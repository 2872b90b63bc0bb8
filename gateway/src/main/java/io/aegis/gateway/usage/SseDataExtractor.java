package io.aegis.gateway.usage;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Finds the {@code data:} payloads of a server-sent event stream as bytes arrive, in chunks split
 * anywhere, and hands each payload line to a sink, followed by a line break (so consecutive payloads
 * stay separate JSON values). The {@code event:} name is passed on first, so the sink can decline the
 * data of events it has no use for; other fields and comments are skipped. {@code \n}, {@code \r\n}
 * and {@code \r} all end a line. Nothing is buffered: between chunks the state is a few fields, and
 * within a line the scan jumps to its end instead of looking at every byte.
 */
public final class SseDataExtractor {
    /** Receives payload bytes. */
    public interface Sink {
        /** The event's name (from its {@code event:} line), before its data; bytes valid during the call. */
        void eventName(byte[] name, int length);

        /** True when the current event's data should be passed on. */
        boolean wantsData();

        void data(ByteBuf buffer, int index, int length);

        void lineEnd();

        void eventEnd();
    }

    /** Event names longer than this are not any event a reader looks for. */
    static final int MAX_EVENT_NAME = 64;

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final int FIELD = 0;
    private static final int SKIP_SPACE = 1;
    private static final int VALUE = 2;
    private static final int IGNORE = 3;
    private static final int KIND_NONE = 0;
    private static final int KIND_DATA = 1;
    private static final int KIND_EVENT = 2;

    private final Sink sink;
    private final byte[] eventName = new byte[MAX_EVENT_NAME];
    private int eventNameLength;
    private int state = FIELD;
    private int kind = KIND_NONE;
    /** Bytes of the field name read so far on this line. */
    private int fieldLength;
    private boolean dataMatch = true;
    private boolean eventMatch = true;
    private boolean lineEmpty = true;
    private boolean lastWasCr;

    public SseDataExtractor(Sink sink) {
        this.sink = sink;
    }

    public void reset() {
        state = FIELD;
        kind = KIND_NONE;
        fieldLength = 0;
        dataMatch = true;
        eventMatch = true;
        lineEmpty = true;
        lastWasCr = false;
        eventNameLength = 0;
    }

    public void feed(ByteBuf buffer) {
        int index = buffer.readerIndex();
        int end = buffer.writerIndex();
        while (index < end) {
            if (state == VALUE || state == IGNORE) {
                // Jump to the end of the line: payloads are long and only their bounds matter here.
                int eol = buffer.forEachByte(index, end - index, ByteProcessor.FIND_CRLF);
                int stop = eol < 0 ? end : eol;
                if (state == VALUE) {
                    value(buffer, index, stop);
                }
                if (eol < 0) {
                    return;
                }
                index = eol;
            }
            byte b = buffer.getByte(index++);
            if (b == '\n' && lastWasCr) {
                // The \n of a \r\n pair: the line already ended at the \r.
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine();
                continue;
            }
            if (state == FIELD) {
                field(b);
            } else if (state == SKIP_SPACE) {
                state = VALUE;
                if (b != ' ') {
                    index--;
                }
            }
        }
    }

    private void field(byte b) {
        lineEmpty = false;
        if (b == ':') {
            if (dataMatch && fieldLength == DATA.length) {
                kind = KIND_DATA;
                state = SKIP_SPACE;
            } else if (eventMatch && fieldLength == EVENT.length) {
                kind = KIND_EVENT;
                eventNameLength = 0;
                state = SKIP_SPACE;
            } else {
                state = IGNORE;
            }
            return;
        }
        dataMatch &= fieldLength < DATA.length && b == DATA[fieldLength];
        eventMatch &= fieldLength < EVENT.length && b == EVENT[fieldLength];
        fieldLength++;
    }

    private void value(ByteBuf buffer, int from, int to) {
        if (to <= from) {
            return;
        }
        if (kind == KIND_DATA) {
            if (sink.wantsData()) {
                sink.data(buffer, from, to - from);
            }
        } else if (kind == KIND_EVENT) {
            int length = Math.min(to - from, MAX_EVENT_NAME - eventNameLength);
            if (length > 0) {
                buffer.getBytes(from, eventName, eventNameLength, length);
                eventNameLength += length;
            }
        }
    }

    private void endLine() {
        if (kind == KIND_DATA && (state == SKIP_SPACE || state == VALUE)) {
            if (sink.wantsData()) {
                sink.lineEnd();
            }
        } else if (kind == KIND_EVENT && (state == SKIP_SPACE || state == VALUE)) {
            sink.eventName(eventName, eventNameLength);
        } else if (state == FIELD && lineEmpty) {
            sink.eventEnd();
        }
        state = FIELD;
        kind = KIND_NONE;
        fieldLength = 0;
        dataMatch = true;
        eventMatch = true;
        lineEmpty = true;
    }
}
