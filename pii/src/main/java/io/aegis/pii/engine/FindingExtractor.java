package io.aegis.pii.engine;

import io.aegis.pii.Findings;
import java.util.Arrays;
import java.util.regex.Matcher;

/**
 * Turns pattern matches into findings, the same way for every engine:
 * <ol>
 *   <li>per pattern, scan left to right: take the greedy match at the leftmost start; if the
 *       validator rejects it, try shorter matches at the same start; if none is accepted, go on from
 *       the next start, else from the accepted end;</li>
 *   <li>across patterns and types, where accepted matches overlap, the longest wins (then the
 *       earliest, then catalogue order), and any that overlaps one kept is dropped: an IBAN with a
 *       card-shaped run inside is an IBAN ({@link CandidateKeys}).</li>
 * </ol>
 * One extractor per thread; its buffers are reused from scan to scan.
 */
final class FindingExtractor {
    private final CompiledCatalogue compiled;
    private final ByteText view = new ByteText();
    private final Matcher[] matchers;
    private long[] candidates = new long[64];
    private int candidateCount;

    FindingExtractor(CompiledCatalogue compiled) {
        this.compiled = compiled;
        this.matchers = new Matcher[compiled.patterns.length];
        for (int p = 0; p < matchers.length; p++) {
            matchers[p] = compiled.patterns[p].matcher("");
        }
    }

    void begin(byte[] text, int length) {
        view.reset(text, length);
        candidateCount = 0;
        for (Matcher matcher : matchers) {
            matcher.reset(view);
            // Boundaries such as \b look past the window, as they would over the whole text.
            matcher.useTransparentBounds(true);
            matcher.useAnchoringBounds(false);
        }
    }

    /** Collects the accepted matches of pattern {@code p} that start and end within {@code [from, to)}. */
    void extract(int p, byte[] text, int length, int from, int to) {
        extractBefore(p, text, length, from, to, Integer.MAX_VALUE);
    }

    /**
     * Like {@link #extract}, but stops at the first match that starts at or after {@code stopAt}
     * (a stream's undecided text); returns the position the last search began at, before which
     * nothing more can be found.
     */
    int extractBefore(int p, byte[] text, int length, int from, int to, int stopAt) {
        Matcher matcher = matchers[p];
        int type = compiled.typeOf[p];
        var validator = compiled.validators[type];
        int position = from;
        while (position < to) {
            matcher.region(position, to);
            if (!matcher.find()) {
                return position;
            }
            int start = matcher.start();
            if (start >= stopAt) {
                return position;
            }
            int end = matcher.end();
            boolean accepted = false;
            while (end > start) {
                if (validator.accepts(text, length, start, end)) {
                    accepted = true;
                    break;
                }
                // The longest shorter match at the same start, if any.
                matcher.region(start, end - 1);
                if (!matcher.lookingAt()) {
                    break;
                }
                end = matcher.end();
            }
            if (accepted) {
                addCandidate(start, end, type);
                position = end;
            } else {
                position = start + 1;
            }
        }
        return position;
    }

    /** Resolves overlaps and writes the findings in text order. */
    void finish(Findings out) {
        Arrays.sort(candidates, 0, candidateCount);
        int from = 0;
        while (from < candidateCount) {
            int to = CandidateKeys.componentEnd(candidates, from, candidateCount);
            CandidateKeys.resolve(candidates, from, to, out);
            from = to;
        }
    }

    /** Candidates collected since {@link #begin}, as {@link CandidateKeys} keys, unsorted. */
    long[] candidates() {
        return candidates;
    }

    int candidateCount() {
        return candidateCount;
    }

    /** Forgets the candidates collected so far (a stream hands them on after each step). */
    void clearCandidates() {
        candidateCount = 0;
    }

    private void addCandidate(int start, int end, int type) {
        if (candidateCount == candidates.length) {
            candidates = Arrays.copyOf(candidates, candidateCount * 2);
        }
        candidates[candidateCount++] = CandidateKeys.key(start, end, type);
    }
}
