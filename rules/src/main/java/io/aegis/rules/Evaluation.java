package io.aegis.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.List;

/**
 * One thread's scratch space for evaluating a rule set: the memo of shared predicates (stamped
 * with a generation, so nothing is cleared between requests), the candidate rules, the error flag
 * of the value being computed, and the decision it fills in. Create one per thread with
 * {@link RuleSet#newEvaluation()}; it allocates nothing per evaluation.
 */
public final class Evaluation {
    static final byte FALSE = 0;
    static final byte TRUE = 1;
    static final byte ERROR = 2;

    final int[] stamps;
    final byte[] values;
    int generation;
    final long[] candidates;
    /** Set by a value node that failed (overflow, division by zero, missing header); read and cleared by its predicate. */
    boolean failed;
    /** Two words for parsing one IP address. */
    final long[] ipScratch = new long[2];
    private final List<Pattern> attributeRegexes;
    private final Matcher[] matchers;
    final Decision decision;

    Evaluation(int predicates, int rules, List<Pattern> attributeRegexes) {
        this.stamps = new int[predicates];
        this.values = new byte[predicates];
        this.candidates = new long[(rules + 63) >>> 6];
        this.attributeRegexes = attributeRegexes;
        this.matchers = new Matcher[attributeRegexes.size()];
        this.decision = new Decision(rules);
    }

    /** This evaluation's matcher for attribute regex {@code id}, reset to {@code input}. */
    Matcher matcher(int id, String input) {
        Matcher matcher = matchers[id];
        if (matcher == null) {
            matchers[id] = matcher = attributeRegexes.get(id).matcher(input);
        } else {
            matcher.reset(input);
        }
        return matcher;
    }

    void begin() {
        generation++;
        if (generation == 0) {
            java.util.Arrays.fill(stamps, 0);
            generation = 1;
        }
        failed = false;
    }
}
