package io.aegis.gateway.proxy;

import io.aegis.gateway.pii.Placeholders;
import io.aegis.gateway.request.MessageText;
import io.aegis.pii.Findings;
import io.aegis.rules.Decision;
import io.aegis.rules.Rule;
import io.aegis.rules.RuleSet;

/**
 * What the policy stage found and decided for one request: PII in its message text, what was
 * redacted, the rule decision (indexes into the rule set that made it) and a route's model. Never
 * a matched value: findings are types and positions in the request's own buffer.
 */
public final class PolicyRecord {
    final MessageText messageText = new MessageText();
    final Findings piiFindings = new Findings();
    /** The request's placeholders and, for tenants that restore them, their originals (this exchange only). */
    final Placeholders placeholders = new Placeholders();
    /** The blocked types' names, for the refusal message (types only, never values). */
    final StringBuilder blockedTypes = new StringBuilder();
    private boolean[] redactTypes = new boolean[0];
    boolean redacted;
    private RuleSet ruleSet;
    private int decidingRule = -1;
    private int[] ruleActions = new int[4];
    private int ruleActionCount;
    private int[] shadowRules = new int[4];
    private int shadowRuleCount;
    /** The model a route rule sent the request to, or {@code null}. */
    String routedModel;
    /** The config version whose rules decided this request (0 when rules never ran). */
    long configVersion;

    void reset() {
        piiFindings.reset();
        redacted = false;
        ruleSet = null;
        decidingRule = -1;
        ruleActionCount = 0;
        shadowRuleCount = 0;
        routedModel = null;
        configVersion = 0;
    }

    /** Keeps what {@code decision} (scratch shared by the loop's requests) says. */
    void recordDecision(RuleSet rules, Decision decision) {
        ruleSet = rules;
        decidingRule = decision.decidingRule();
        if (ruleActions.length < decision.actionCount()) {
            ruleActions = new int[decision.actionCount()];
        }
        ruleActionCount = decision.actionCount();
        for (int i = 0; i < ruleActionCount; i++) {
            ruleActions[i] = decision.action(i);
        }
        if (shadowRules.length < decision.shadowCount()) {
            shadowRules = new int[decision.shadowCount()];
        }
        shadowRuleCount = decision.shadowCount();
        for (int i = 0; i < shadowRuleCount; i++) {
            shadowRules[i] = decision.shadow(i);
        }
    }

    /** A flag per catalogue type, all false: which types to redact. */
    boolean[] redactTypes(int types) {
        if (redactTypes.length != types) {
            redactTypes = new boolean[types];
        } else {
            java.util.Arrays.fill(redactTypes, false);
        }
        return redactTypes;
    }

    /** PII found in the request's message text (types and positions; never the text). */
    public Findings piiFindings() {
        return piiFindings;
    }

    /** True when the forwarded body had values redacted. */
    public boolean redacted() {
        return redacted;
    }

    /** The rule set that decided this request, or {@code null} when it ended before rules ran. */
    public RuleSet ruleSet() {
        return ruleSet;
    }

    /** The rule that allowed or denied it, or {@code null} when none did (allowed by default). */
    public Rule decidingRule() {
        return ruleSet == null || decidingRule < 0 ? null : ruleSet.rules().get(decidingRule);
    }

    /** How many accumulating rules (redact, route, tag, sample, limit) applied, in file order. */
    public int ruleActionCount() {
        return ruleActionCount;
    }

    public Rule ruleAction(int i) {
        return ruleSet.rules().get(ruleActions[i]);
    }

    /** How many shadow rules matched: what they would have done is recorded, nothing was done. */
    public int shadowRuleCount() {
        return shadowRuleCount;
    }

    public Rule shadowRule(int i) {
        return ruleSet.rules().get(shadowRules[i]);
    }

    /** The model a route rule sent this request to, or {@code null}. */
    public String routedModel() {
        return routedModel;
    }

    public long configVersion() {
        return configVersion;
    }
}
