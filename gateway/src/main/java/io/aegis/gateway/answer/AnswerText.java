package io.aegis.gateway.answer;

import io.aegis.gateway.pii.PiiAction;
import io.aegis.gateway.pii.Placeholders;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One text of an answer (an Anthropic text block, a Gemini candidate's text) as it streams: fed in
 * pieces, released as soon as nothing later can change it. What holds text back: the PII stream's
 * undecided tail (when answers are scanned), a placeholder not yet complete (when they are restored),
 * and half a UTF-8 character. Released text has its findings redacted or tagged as the policy says
 * and its placeholders restored; a blocked type stops the text where its value begins.
 */
final class AnswerText {
    private final AnswerScan scan;
    /** {@code null} when answers are only restored, not scanned. */
    private PiiStream stream;
    /** The text not yet released; {@code pending[0]} is offset {@link #pendingStart} of the text. */
    private byte[] pending = new byte[512];
    private int pendingStart;
    private int pendingLength;
    /** Findings of {@link PiiStream#decided()} already dealt with. */
    private int consumed;
    private boolean open;

    AnswerText(AnswerScan scan) {
        this.scan = scan;
    }

    boolean open() {
        return open;
    }

    /** The text held back now (received, not yet released). */
    int heldBytes() {
        return pendingLength;
    }

    /** Starts a new text. */
    void start() {
        open = true;
        pendingStart = 0;
        pendingLength = 0;
        consumed = 0;
        if (scan.scans()) {
            if (stream == null) {
                stream = scan.openStream();
            } else {
                stream.reset();
            }
        }
    }

    /** Feeds the next piece and writes what can be released to {@code out}. */
    void feed(byte[] utf8, int offset, int length, ByteSink out) {
        if (!open) {
            start();
        }
        if (pendingLength + length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
        }
        System.arraycopy(utf8, offset, pending, pendingLength, length);
        pendingLength += length;
        if (stream != null) {
            stream.append(utf8, offset, length);
        }
        release(false, out);
    }

    /** The text is complete: everything left is released to {@code out}. */
    void end(ByteSink out) {
        if (!open) {
            return;
        }
        if (stream != null) {
            stream.finish();
        }
        release(true, out);
        open = false;
    }

    /** Frees the native stream; the exchange is over. */
    void close() {
        if (stream != null) {
            stream.close();
            stream = null;
        }
        open = false;
    }

    private void release(boolean finished, ByteSink out) {
        if (scan.blocked()) {
            return;
        }
        int end = pendingStart + pendingLength;
        int upTo = stream == null || finished ? end : stream.decidedUpTo();
        Placeholders placeholders = scan.placeholders();
        Findings decided = stream == null ? null : stream.decided();
        if (!finished && placeholders != null && placeholders.restorable()) {
            upTo = beforeOpenToken(placeholders, upTo, end);
        }
        if (!finished && upTo < end) {
            // Never half a character: the JSON string the text goes into must stay valid UTF-8.
            while (upTo > pendingStart && (pending[upTo - pendingStart] & 0xc0) == 0x80) {
                upTo--;
            }
        }
        int position = pendingStart;
        while (decided != null && consumed < decided.size() && decided.start(consumed) < upTo) {
            int start = decided.start(consumed);
            int stop = decided.end(consumed);
            if (stop > upTo) {
                upTo = start; // a value is released whole or not at all
                break;
            }
            copyRestoring(position, start, out);
            int type = decided.type(consumed);
            scan.found(type);
            PiiAction action = scan.action(type);
            if (action == PiiAction.BLOCK) {
                scan.block(type);
                drop(start);
                return;
            }
            if (action == PiiAction.REDACT) {
                String value = new String(pending, start - pendingStart, stop - start, StandardCharsets.UTF_8);
                out.writeAscii(scan.replacement(type, value));
            } else {
                out.write(pending, start - pendingStart, stop - start);
            }
            position = stop;
            consumed++;
        }
        copyRestoring(position, upTo, out);
        if (decided != null && consumed == decided.size()) {
            stream.takeDecided();
            consumed = 0;
        }
        drop(upTo);
    }

    /**
     * {@code upTo}, or the start of a placeholder that begins before it and is not yet complete, or
     * complete but reaching past it: a placeholder is restored whole.
     */
    private int beforeOpenToken(Placeholders placeholders, int upTo, int end) {
        int floor = Math.max(pendingStart, upTo - Placeholders.MAX_TOKEN_BYTES);
        for (int i = Math.min(upTo, end) - 1; i >= floor; i--) {
            if (pending[i - pendingStart] == '[') {
                int token = placeholders.match(pending, i - pendingStart, end - pendingStart);
                if (token == -2 || token >= 0 && i + placeholders.token(token).length > upTo) {
                    return i;
                }
                return upTo;
            }
        }
        return upTo;
    }

    /** Writes {@code [from, to)} with every complete placeholder in it turned back into its original. */
    private void copyRestoring(int from, int to, ByteSink out) {
        Placeholders placeholders = scan.placeholders();
        if (placeholders == null || !placeholders.restorable()) {
            out.write(pending, from - pendingStart, to - from);
            return;
        }
        int run = from;
        for (int i = from; i < to; i++) {
            if (pending[i - pendingStart] != '[') {
                continue;
            }
            int token = placeholders.match(pending, i - pendingStart, to - pendingStart);
            if (token >= 0) {
                out.write(pending, run - pendingStart, i - run);
                byte[] original = placeholders.original(token);
                out.write(original, 0, original.length);
                scan.restored();
                i += placeholders.token(token).length - 1;
                run = i + 1;
            }
        }
        out.write(pending, run - pendingStart, to - run);
    }

    /** Forgets the text before {@code offset}: it has been released (or is withheld for good). */
    private void drop(int offset) {
        int drop = offset - pendingStart;
        if (drop <= 0) {
            return;
        }
        System.arraycopy(pending, drop, pending, 0, pendingLength - drop);
        pendingLength -= drop;
        pendingStart = offset;
        if (stream != null) {
            stream.release(offset);
        }
    }
}
