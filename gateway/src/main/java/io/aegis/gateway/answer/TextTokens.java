package io.aegis.gateway.answer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * One JSON payload of an answer read for its strings of interest: each is kept with the byte span
 * of its token in the payload (quotes included), its decoded UTF-8 text and its place (which path,
 * which candidate), so the payload can be written again with only those strings changed. A payload
 * that is not JSON reads as having none (it passes unchanged). Reused from payload to payload.
 */
final class TextTokens {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    static final String ARRAY = "[]";

    /** The paths a reader looks for, outermost name first, {@link #ARRAY} for an array's element. */
    private final String[][] paths;
    int count;
    int[] path = new int[8];
    int[] start = new int[8];
    int[] end = new int[8];
    /** The index of the outermost array element on the path (a Gemini candidate), or -1. */
    int[] element = new int[8];
    int[] textStart = new int[8];
    int[] textLength = new int[8];
    /** Every token's decoded text, one after another. */
    byte[] text = new byte[256];
    private int textUsed;
    /** Top-level scalars a reader asked for, by name, as text (numbers as their digits). */
    private final String[] scalarNames;
    final String[] scalars;
    /** Per outermost array element index: whether the given flag path was seen (Gemini's finishReason). */
    private final String[] flagPath;
    boolean[] flagged = new boolean[4];

    TextTokens(String[][] paths, String[] scalarNames, String[] flagPath) {
        this.paths = paths;
        this.scalarNames = scalarNames;
        this.scalars = new String[scalarNames.length];
        this.flagPath = flagPath;
    }

    /** Reads {@code payload[offset, offset + length)}; false when it is not JSON (nothing kept). */
    boolean read(byte[] payload, int offset, int length) {
        count = 0;
        textUsed = 0;
        Arrays.fill(scalars, null);
        Arrays.fill(flagged, false);
        try (JsonParser parser = JSON.createParser(payload, offset, length)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (!token.isScalarValue()) {
                    continue;
                }
                JsonStreamContext context = parser.getParsingContext();
                if (context.getParent() != null && context.getParent().inRoot() && context.inObject()) {
                    for (int s = 0; s < scalarNames.length; s++) {
                        if (scalarNames[s].equals(context.getCurrentName())) {
                            scalars[s] = parser.getText();
                        }
                    }
                }
                if (flagPath != null && token != JsonToken.VALUE_NULL && matches(context, flagPath)) {
                    flag(outerIndex(context, flagPath));
                }
                if (token != JsonToken.VALUE_STRING) {
                    continue;
                }
                for (int p = 0; p < paths.length; p++) {
                    if (matches(context, paths[p])) {
                        int tokenStart = (int) parser.currentTokenLocation().getByteOffset();
                        char[] chars = parser.getTextCharacters();
                        int from = parser.getTextOffset();
                        int n = parser.getTextLength();
                        add(p, tokenStart, (int) parser.currentLocation().getByteOffset(), outerIndex(context, paths[p]),
                                chars, from, n);
                        break;
                    }
                }
            }
            return true;
        } catch (IOException | RuntimeException notJson) {
            count = 0;
            return false;
        }
    }

    private void flag(int index) {
        if (index < 0) {
            return;
        }
        if (index >= flagged.length) {
            flagged = Arrays.copyOf(flagged, index + 4);
        }
        flagged[index] = true;
    }

    boolean flagged(int index) {
        return index >= 0 && index < flagged.length && flagged[index];
    }

    private void add(int p, int tokenStart, int tokenEnd, int outer, char[] chars, int from, int n) {
        if (count == path.length) {
            path = Arrays.copyOf(path, count * 2);
            start = Arrays.copyOf(start, count * 2);
            end = Arrays.copyOf(end, count * 2);
            element = Arrays.copyOf(element, count * 2);
            textStart = Arrays.copyOf(textStart, count * 2);
            textLength = Arrays.copyOf(textLength, count * 2);
        }
        path[count] = p;
        start[count] = tokenStart;
        end[count] = tokenEnd;
        element[count] = outer;
        textStart[count] = textUsed;
        encode(chars, from, n);
        textLength[count] = textUsed - textStart[count];
        count++;
    }

    /** UTF-8 of the decoded string; a lone surrogate (half of a pair split by the upstream) becomes U+FFFD. */
    private void encode(char[] chars, int from, int n) {
        if (textUsed + n * 3 > text.length) {
            text = Arrays.copyOf(text, Math.max(text.length * 2, textUsed + n * 3));
        }
        for (int i = from; i < from + n; i++) {
            char c = chars[i];
            if (c < 0x80) {
                text[textUsed++] = (byte) c;
            } else if (c < 0x800) {
                text[textUsed++] = (byte) (0xc0 | c >> 6);
                text[textUsed++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < from + n && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                text[textUsed++] = (byte) (0xf0 | cp >> 18);
                text[textUsed++] = (byte) (0x80 | cp >> 12 & 0x3f);
                text[textUsed++] = (byte) (0x80 | cp >> 6 & 0x3f);
                text[textUsed++] = (byte) (0x80 | cp & 0x3f);
            } else {
                int cp = Character.isSurrogate(c) ? 0xfffd : c;
                text[textUsed++] = (byte) (0xe0 | cp >> 12);
                text[textUsed++] = (byte) (0x80 | cp >> 6 & 0x3f);
                text[textUsed++] = (byte) (0x80 | cp & 0x3f);
            }
        }
    }

    /** True when the value the parser is at sits at {@code expected} (outermost first) below the root. */
    private static boolean matches(JsonStreamContext context, String[] expected) {
        JsonStreamContext at = context;
        for (int i = expected.length - 1; i >= 0; i--) {
            if (at == null || at.inRoot()) {
                return false;
            }
            if (ARRAY.equals(expected[i])) {
                if (!at.inArray()) {
                    return false;
                }
            } else if (!at.inObject() || !expected[i].equals(at.getCurrentName())) {
                return false;
            }
            at = at.getParent();
        }
        return at != null && at.inRoot();
    }

    /** The index within the outermost array on {@code expected}, or -1 when it has none. */
    private static int outerIndex(JsonStreamContext context, String[] expected) {
        int depth = 0;
        int outerArray = -1;
        for (int i = 0; i < expected.length; i++) {
            if (ARRAY.equals(expected[i])) {
                outerArray = i;
                break;
            }
        }
        if (outerArray < 0) {
            return -1;
        }
        JsonStreamContext at = context;
        for (int i = expected.length - 1; i > outerArray; i--) {
            at = at.getParent();
            depth++;
        }
        return at.getCurrentIndex();
    }
}
