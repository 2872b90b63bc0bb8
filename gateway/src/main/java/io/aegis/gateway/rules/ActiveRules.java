package io.aegis.gateway.rules;

import io.aegis.rules.Evaluation;
import io.aegis.rules.RuleSet;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.regex.Pattern;

/**
 * The rule set in force: one volatile reference, replaced whole, so a request reads it once and is
 * decided by exactly that version. Each event loop keeps its own evaluation scratch for the
 * current set (an evaluation is sized to one set), made again only after a swap.
 */
public final class ActiveRules {
    /**
     * A rule set with its {@code prompt.matches} regexes compiled for the message text, and the
     * config version it belongs to (0 before the control API has put one in force).
     */
    public record Version(RuleSet rules, Pattern[] promptPatterns, long configVersion) {
        static Version of(RuleSet rules, long configVersion) {
            Pattern[] prompts = new Pattern[rules.promptPatterns().size()];
            for (int i = 0; i < prompts.length; i++) {
                prompts[i] = Pattern.compile(rules.promptPatterns().get(i));
            }
            return new Version(rules, prompts, configVersion);
        }
    }

    private volatile Version current;
    private final FastThreadLocal<Scratch> scratch = new FastThreadLocal<>();

    public ActiveRules(RuleSet initial) {
        this.current = Version.of(initial, 0);
    }

    public Version current() {
        return current;
    }

    /** Puts {@code next} in force for every request that starts after this returns. */
    public void swap(RuleSet next) {
        swap(next, current.configVersion());
    }

    /** The same, as part of config version {@code configVersion}. */
    public void swap(RuleSet next, long configVersion) {
        current = Version.of(next, configVersion);
    }

    /** This thread's evaluation scratch for {@code set}. */
    public Evaluation evaluation(RuleSet set) {
        Scratch mine = scratch.get();
        if (mine == null || mine.set != set) {
            mine = new Scratch(set, set.newEvaluation());
            scratch.set(mine);
        }
        return mine.evaluation;
    }

    private record Scratch(RuleSet set, Evaluation evaluation) {
    }
}
