package io.aegis.pii.engine;

import java.util.regex.Pattern;

/**
 * The run of character classes a pattern opens with, when a literal follows it: e-mail's
 * {@code \b[A-Za-z0-9._%+-]+} before {@code @}. Asking Hyperscan for the leftmost start of such a
 * pattern is slow (it must follow every word of prose as a possible local part: 2.5 ns a byte on
 * the e-mail pattern, ten times its cost without the run), so the engine scans the rest, which
 * starts at the literal, and walks back over the run's bytes in Java afterwards.
 *
 * <p>Why that finds every match: a match of the whole pattern is bytes of the run's classes
 * followed by a match of the rest, which Hyperscan reports with a start no later than the literal.
 * Walking back from that start over bytes of the run's classes (no further than the run can be
 * long) therefore reaches the whole match's start or passes it. Zero-width {@code \b} in the run
 * adds no bytes; the extraction checks it, like everything else, over the window.
 */
final class LeadingRun {
    private static final int UNBOUNDED = Integer.MAX_VALUE;
    /** Characters that are never a literal at the start of the rest. */
    private static final String META = ".[]{}()|?*+^$\\";

    /** The pattern after the run; it starts with a literal character. */
    final String rest;
    /** Per byte value: can it be part of the run (bytes above 0x7f as the extraction reads them). */
    private final boolean[] members;
    private final int maxBytes;

    private LeadingRun(String rest, boolean[] members, int maxBytes) {
        this.rest = rest;
        this.members = members;
        this.maxBytes = maxBytes;
    }

    /**
     * The leading run of {@code source}, or {@code null} when it does not open with character
     * classes followed by a literal, or when it has an alternation at the top level (the run would
     * belong to one branch only).
     */
    static LeadingRun of(String source) {
        try {
            return peel(source);
        } catch (RuntimeException unreadable) {
            // A pattern this reader cannot follow is scanned whole; the catalogue reports real errors.
            return null;
        }
    }

    private static LeadingRun peel(String source) {
        if (source.contains("\\Q") || hasTopLevelAlternation(source)) {
            return null;
        }
        boolean[] members = new boolean[256];
        int atoms = 0;
        long maxBytes = 0;
        int at = 0;
        while (at < source.length()) {
            if (source.startsWith("\\b", at)) {
                at += 2;
                continue;
            }
            int atomEnd = classAtomEnd(source, at);
            if (atomEnd < 0) {
                break;
            }
            String atom = source.substring(at, atomEnd);
            at = atomEnd;
            long[] bounds = quantifier(source, at);
            at = (int) bounds[2];
            maxBytes = bounds[1] == UNBOUNDED || maxBytes == UNBOUNDED ? UNBOUNDED : maxBytes + bounds[1];
            addMembers(atom, members);
            atoms++;
        }
        if (atoms == 0 || at >= source.length() || !startsWithLiteral(source, at)) {
            return null;
        }
        return new LeadingRun(source.substring(at), members, (int) Math.min(maxBytes, UNBOUNDED));
    }

    /**
     * The earliest start of a match whose rest starts at or after {@code from}: {@code from},
     * moved left over bytes the run can hold, never before {@code floor}.
     */
    int reachBack(byte[] text, int from, int floor) {
        int limit = maxBytes == UNBOUNDED ? floor : Math.max(floor, from - maxBytes);
        int start = from;
        while (start > limit && members[text[start - 1] & 0xff]) {
            start--;
        }
        return start;
    }

    /** End of a character-class atom ({@code [...]} or {@code \d \w \s} and their negations) at {@code at}, or -1. */
    private static int classAtomEnd(String source, int at) {
        char c = source.charAt(at);
        if (c == '\\' && at + 1 < source.length() && "dDwWsS".indexOf(source.charAt(at + 1)) >= 0) {
            return at + 2;
        }
        if (c != '[') {
            return -1;
        }
        int i = at + 1;
        if (i < source.length() && source.charAt(i) == '^') {
            i++;
        }
        if (i < source.length() && source.charAt(i) == ']') {
            i++; // a ']' first in a class is a member
        }
        int depth = 1;
        while (i < source.length()) {
            char d = source.charAt(i);
            if (d == '\\') {
                i += 2;
                continue;
            }
            if (d == '[') {
                depth++;
            } else if (d == ']' && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    /** {min, max, next index} of the quantifier at {@code at} (none means exactly once). */
    private static long[] quantifier(String source, int at) {
        long min = 1;
        long max = 1;
        int next = at;
        if (at < source.length()) {
            char q = source.charAt(at);
            if (q == '?' || q == '*' || q == '+') {
                min = q == '+' ? 1 : 0;
                max = q == '?' ? 1 : UNBOUNDED;
                next = at + 1;
            } else if (q == '{') {
                int close = source.indexOf('}', at);
                String[] parts = source.substring(at + 1, close).split(",", -1);
                min = Long.parseLong(parts[0].trim());
                max = parts.length == 1 ? min : parts[1].isBlank() ? UNBOUNDED : Long.parseLong(parts[1].trim());
                next = close + 1;
            }
        }
        // A lazy or possessive mark changes which match is taken, not which bytes a match can hold.
        if (next > at && next < source.length() && (source.charAt(next) == '?' || source.charAt(next) == '+')) {
            next++;
        }
        return new long[] {min, max, next};
    }

    private static void addMembers(String atom, boolean[] members) {
        Pattern pattern = Pattern.compile(atom);
        for (int b = 0; b < 128; b++) {
            members[b] |= pattern.matcher(String.valueOf((char) b)).matches();
        }
        // The extraction reads every byte above 0x7f as U+0080 (see ByteText).
        boolean nonAscii = pattern.matcher("\u0080").matches();
        for (int b = 128; b < 256; b++) {
            members[b] |= nonAscii;
        }
    }

    private static boolean startsWithLiteral(String source, int at) {
        char c = source.charAt(at);
        if (c == '\\') {
            // An escaped punctuation character is a literal; escapes with letters are classes or assertions.
            return at + 1 < source.length() && !Character.isLetterOrDigit(source.charAt(at + 1));
        }
        return META.indexOf(c) < 0;
    }

    private static boolean hasTopLevelAlternation(String source) {
        int depth = 0;
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '[') {
                int end = classAtomEnd(source, i);
                if (end < 0) {
                    return true; // unreadable here: do not peel
                }
                i = end - 1;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                return true;
            }
        }
        return false;
    }
}
