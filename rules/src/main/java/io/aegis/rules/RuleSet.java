package io.aegis.rules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled, immutable set of rules (one or more files, in order). Evaluation narrows the rules
 * to the candidates for the request's provider, model, tenant and path by hash lookups of
 * precomputed bitsets, then runs the candidates' compiled conditions in file order, each shared
 * predicate at most once; it allocates nothing. Swap whole rule sets through one reference: a
 * request evaluated against one set never sees another.
 */
public final class RuleSet {
    private final List<Rule> rules;
    private final Nodes.Bool[] conditions;
    private final boolean[] shadow;
    private final boolean[] terminal;
    private final boolean[] deny;
    private final Dispatch dispatch;
    private final int predicateCount;
    private final List<String> piiTypes;
    private final List<String> promptPatterns;
    private final List<com.google.re2j.Pattern> attributeRegexes;

    RuleSet(List<Rule> rules, Nodes.Bool[] conditions, Dispatch dispatch, int predicateCount, List<String> piiTypes,
            List<String> promptPatterns, List<com.google.re2j.Pattern> attributeRegexes) {
        this.rules = List.copyOf(rules);
        this.conditions = conditions;
        this.dispatch = dispatch;
        this.predicateCount = predicateCount;
        this.piiTypes = List.copyOf(piiTypes);
        this.promptPatterns = List.copyOf(promptPatterns);
        this.attributeRegexes = List.copyOf(attributeRegexes);
        this.shadow = new boolean[rules.size()];
        this.terminal = new boolean[rules.size()];
        this.deny = new boolean[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            shadow[i] = rule.shadow();
            terminal[i] = rule.action().terminal();
            deny[i] = rule.action() == ActionKind.DENY;
        }
    }

    /** Reads, checks and compiles rule files in order; every problem of every file is reported at once. */
    public static RuleSet compile(List<Path> files, List<String> piiTypes) throws RulesException {
        return RuleCompiler.compile(files, piiTypes);
    }

    /** The same from texts in memory (name → YAML), as the control API receives them. */
    public static RuleSet compileTexts(Map<String, String> namedTexts, List<String> piiTypes) throws RulesException {
        return RuleCompiler.compileTexts(namedTexts, piiTypes);
    }

    /** A rule set with no rules: everything is allowed. */
    public static RuleSet empty(List<String> piiTypes) {
        return new RuleSet(List.of(), new Nodes.Bool[0], Dispatch.build(List.of(), 0), 0, piiTypes, List.of(), List.of());
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The PII type names conditions and redact actions may use; {@link RequestView#piiCount} is indexed by these. */
    public List<String> piiTypes() {
        return piiTypes;
    }

    /** The regexes of {@code prompt.matches(...)}; {@link RequestView#promptMatches} is indexed by these. */
    public List<String> promptPatterns() {
        return promptPatterns;
    }

    /** Scratch space for one thread's evaluations. */
    public Evaluation newEvaluation() {
        return new Evaluation(predicateCount, rules.size(), attributeRegexes);
    }

    /** Decides {@code request}; the result lives in {@code evaluation} until its next use. */
    public Decision evaluate(RequestView request, Evaluation evaluation) {
        evaluation.begin();
        Decision decision = evaluation.decision;
        decision.reset();
        long[] candidates = evaluation.candidates;
        dispatch.candidates(request, candidates);
        for (int word = 0; word < candidates.length; word++) {
            long bits = candidates[word];
            while (bits != 0) {
                int rule = (word << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if (conditions[rule].test(request, evaluation) != Evaluation.TRUE) {
                    continue;
                }
                if (shadow[rule]) {
                    decision.addShadow(rule);
                } else if (terminal[rule]) {
                    decision.decide(deny[rule], rule);
                    return decision;
                } else {
                    decision.addAction(rule);
                }
            }
        }
        return decision;
    }
}
