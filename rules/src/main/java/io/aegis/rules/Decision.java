package io.aegis.rules;

/**
 * What a rule set decided for one request: allow or deny, the deciding rule, and the rules whose
 * accumulating actions apply and whose shadow hits were recorded, all as indexes into
 * {@link RuleSet#rules()}. Owned by an {@link Evaluation} and overwritten by its next use.
 */
public final class Decision {
    private boolean denied;
    private int decidingRule;
    private final int[] actions;
    private int actionCount;
    private final int[] shadows;
    private int shadowCount;

    Decision(int rules) {
        this.actions = new int[rules];
        this.shadows = new int[rules];
    }

    void reset() {
        denied = false;
        decidingRule = -1;
        actionCount = 0;
        shadowCount = 0;
    }

    void decide(boolean deny, int rule) {
        denied = deny;
        decidingRule = rule;
    }

    void addAction(int rule) {
        actions[actionCount++] = rule;
    }

    void addShadow(int rule) {
        shadows[shadowCount++] = rule;
    }

    public boolean denied() {
        return denied;
    }

    /** The rule that ended evaluation with allow or deny, or -1 when none did (allow by default). */
    public int decidingRule() {
        return decidingRule;
    }

    /** How many accumulating (redact, route, tag, sample, limit) rules matched, in file order. */
    public int actionCount() {
        return actionCount;
    }

    public int action(int i) {
        return actions[i];
    }

    /** How many shadow rules matched (they change nothing), in file order. */
    public int shadowCount() {
        return shadowCount;
    }

    public int shadow(int i) {
        return shadows[i];
    }
}
