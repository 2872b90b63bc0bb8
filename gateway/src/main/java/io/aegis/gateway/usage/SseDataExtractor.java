package io.aegis.gateway.usage;

import io.netty.buffer.ByteBuf;

/**
 * Finds the {@code data:} payloads of a server-sent event stream as bytes arrive, in chunks split
 * anywhere, and hands each payload line to a sink, followed by a line break (so consecutive payloads
 * stay separate JSON values). Other fields ({@code event:}, {@code id:}, comments) are skipped;
 * {@code \n}, {@code \r\n} and {@code \r} all end a line. Nothing is buffered: the state between
 * chunks is a few ints.
 */
final class SseDataExtractor {
    /** Receives payload bytes. */
    interface Sink {
        void data(ByteBuf buffer, int index, int length);

        void lineEnd();

        void eventEnd();
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final int FIELD = 0;
    private static final int SKIP_SPACE = 1;
    private static final int VALUE = 2;
    private static final int IGNORE = 3;

    private final Sink sink;
    private int state = FIELD;
    /** Bytes of the field name matched so far against "data"; -1 once it cannot match. */
    private int matched;
    private boolean lineEmpty = true;
    private boolean lastWasCr;

    SseDataExtractor(Sink sink) {
        this.sink = sink;
    }

    void reset() {
        state = FIELD;
        matched = 0;
        lineEmpty = true;
        lastWasCr = false;
    }

    void feed(ByteBuf buffer) {
        int index = buffer.readerIndex();
        int end = buffer.writerIndex();
        int valueStart = -1;
        while (index < end) {
            byte b = buffer.getByte(index);
            if (b == '\n' && lastWasCr) {
                // The \n of a \r\n pair: the line already ended at the \r.
                lastWasCr = false;
                index++;
                continue;
            }
            lastWasCr = false;
            if (b == '\n' || b == '\r') {
                lastWasCr = b == '\r';
                if (state == VALUE && valueStart >= 0 && index > valueStart) {
                    sink.data(buffer, valueStart, index - valueStart);
                }
                endLine();
                valueStart = -1;
                index++;
                continue;
            }
            switch (state) {
                case FIELD:
                    lineEmpty = false;
                    if (b == ':') {
                        if (matched == DATA.length) {
                            state = SKIP_SPACE;
                        } else {
                            state = IGNORE;
                        }
                    } else if (matched >= 0 && matched < DATA.length && b == DATA[matched]) {
                        matched++;
                    } else {
                        matched = -1;
                    }
                    break;
                case SKIP_SPACE:
                    state = VALUE;
                    if (b == ' ') {
                        break;
                    }
                    valueStart = index;
                    break;
                case VALUE:
                    if (valueStart < 0) {
                        valueStart = index;
                    }
                    break;
                default:
                    break;
            }
            index++;
        }
        if (state == VALUE && valueStart >= 0 && end > valueStart) {
            sink.data(buffer, valueStart, end - valueStart);
        }
    }

    private void endLine() {
        if (state == SKIP_SPACE || state == VALUE) {
            sink.lineEnd();
        } else if (state == FIELD && lineEmpty) {
            sink.eventEnd();
        }
        state = FIELD;
        matched = 0;
        lineEmpty = true;
    }
}
