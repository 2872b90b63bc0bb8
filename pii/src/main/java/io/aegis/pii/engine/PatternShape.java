package io.aegis.pii.engine;

import java.util.regex.Pattern;

/**
 * What a catalogue pattern's matches can look like, read from its source: the bytes a match can
 * contain, and the most bytes it can span. A stream uses both to know how much of the text it
 * holds back could still become part of a match: a match cannot cross a byte outside its alphabet,
 * nor reach further back than its width. Read without any engine, so both engines hold back the
 * same text. A construct this reader does not follow makes the shape {@link #UNKNOWN}: every byte,
 * no bound, which only ever holds back more.
 */
final class PatternShape {
    static final int UNBOUNDED = Integer.MAX_VALUE;
    static final PatternShape UNKNOWN = new PatternShape(all(), UNBOUNDED);

    /** Per byte value: can a match contain it (bytes above 0x7f as the extraction reads them). */
    final boolean[] alphabet;
    /** The widest match in bytes, or {@link #UNBOUNDED}. */
    final int maxWidth;

    private PatternShape(boolean[] alphabet, int maxWidth) {
        this.alphabet = alphabet;
        this.maxWidth = maxWidth;
    }

    static PatternShape of(String source) {
        try {
            Reader reader = new Reader(source);
            long width = reader.alternation();
            if (reader.at != source.length()) {
                return UNKNOWN;
            }
            return new PatternShape(reader.alphabet, (int) Math.min(width, UNBOUNDED));
        } catch (RuntimeException unreadable) {
            return UNKNOWN;
        }
    }

    private static boolean[] all() {
        boolean[] every = new boolean[256];
        java.util.Arrays.fill(every, true);
        return every;
    }

    /** A recursive reader of the catalogue's regex subset, summing widths and collecting bytes. */
    private static final class Reader {
        private final String source;
        private final boolean[] alphabet = new boolean[256];
        private int at;

        Reader(String source) {
            this.source = source;
        }

        long alternation() {
            long widest = sequence();
            while (at < source.length() && source.charAt(at) == '|') {
                at++;
                widest = Math.max(widest, sequence());
            }
            return widest;
        }

        private long sequence() {
            long total = 0;
            while (at < source.length() && source.charAt(at) != '|' && source.charAt(at) != ')') {
                long atom = atom();
                total = add(total, times(atom, quantifierMax()));
            }
            return total;
        }

        private long atom() {
            char c = source.charAt(at);
            if (c == '(') {
                at++;
                if (source.startsWith("?:", at)) {
                    at += 2;
                } else if (at < source.length() && source.charAt(at) == '?') {
                    throw new IllegalArgumentException("look-around or flags");
                }
                long inner = alternation();
                expect(')');
                return inner;
            }
            if (c == '[') {
                int end = classEnd(at);
                members(source.substring(at, end));
                at = end;
                return 1;
            }
            if (c == '\\') {
                char e = source.charAt(at + 1);
                if (e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z') {
                    at += 2;
                    return 0;
                }
                if (Character.isLetterOrDigit(e) && "dDwWsS".indexOf(e) < 0) {
                    throw new IllegalArgumentException("escape \\" + e);
                }
                members(source.substring(at, at + 2));
                at += 2;
                return 1;
            }
            if (c == '^' || c == '$') {
                at++;
                return 0;
            }
            if ("*+?{".indexOf(c) >= 0) {
                throw new IllegalArgumentException("quantifier without an atom");
            }
            members(c == '.' ? "." : Pattern.quote(String.valueOf(c)));
            at++;
            return 1;
        }

        /** The quantifier at {@code at} (consumed): its largest count, 1 when there is none. */
        private long quantifierMax() {
            if (at >= source.length()) {
                return 1;
            }
            char q = source.charAt(at);
            long max = 1;
            if (q == '?' ) {
                at++;
            } else if (q == '*' || q == '+') {
                max = UNBOUNDED;
                at++;
            } else if (q == '{') {
                int close = source.indexOf('}', at);
                String[] parts = source.substring(at + 1, close).split(",", -1);
                Long.parseLong(parts[0].trim());
                max = parts.length == 1 ? Long.parseLong(parts[0].trim())
                        : parts[1].isBlank() ? UNBOUNDED : Long.parseLong(parts[1].trim());
                at = close + 1;
            } else {
                return 1;
            }
            // Lazy or possessive marks change which match is taken, not what a match can hold.
            if (at < source.length() && (source.charAt(at) == '?' || source.charAt(at) == '+')) {
                at++;
            }
            return max;
        }

        private void expect(char c) {
            if (at >= source.length() || source.charAt(at) != c) {
                throw new IllegalArgumentException("expected " + c);
            }
            at++;
        }

        private int classEnd(int from) {
            int i = from + 1;
            if (i < source.length() && source.charAt(i) == '^') {
                i++;
            }
            if (i < source.length() && source.charAt(i) == ']') {
                i++;
            }
            while (i < source.length()) {
                char d = source.charAt(i);
                if (d == '\\') {
                    i += 2;
                } else if (d == '[') {
                    throw new IllegalArgumentException("nested class");
                } else if (d == ']') {
                    return i + 1;
                } else {
                    i++;
                }
            }
            throw new IllegalArgumentException("unclosed class");
        }

        private void members(String atom) {
            Pattern pattern = Pattern.compile(atom);
            for (int b = 0; b < 128; b++) {
                alphabet[b] |= pattern.matcher(String.valueOf((char) b)).matches();
            }
            boolean nonAscii = pattern.matcher("\u0080").matches();
            for (int b = 128; b < 256; b++) {
                alphabet[b] |= nonAscii;
            }
        }

        private static long add(long a, long b) {
            return a >= UNBOUNDED || b >= UNBOUNDED ? UNBOUNDED : a + b;
        }

        private static long times(long width, long count) {
            if (width == 0) {
                return 0;
            }
            return width >= UNBOUNDED || count >= UNBOUNDED ? UNBOUNDED : Math.min(UNBOUNDED, width * count);
        }
    }
}
