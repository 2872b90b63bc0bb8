package io.aegis.gateway.pii;

import io.aegis.pii.PiiCatalogue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** One tenant's action per PII type, indexed by the catalogue's type index. */
public final class PiiPolicy {
    /** What a tenant without a policy gets: every type recorded, nothing changed. */
    public static final String DEFAULT_KEY = "default";

    private final PiiAction[] actions;

    private PiiPolicy(PiiAction[] actions) {
        this.actions = actions;
    }

    /** A policy that records everything. */
    public static PiiPolicy tagAll(PiiCatalogue catalogue) {
        PiiAction[] actions = new PiiAction[catalogue.types().size()];
        Arrays.fill(actions, PiiAction.TAG);
        return new PiiPolicy(actions);
    }

    /**
     * Builds a policy from config ({@code default} and type names to {@code tag|redact|block}).
     *
     * @param problems receives a message per unknown type
     */
    public static PiiPolicy from(Map<String, PiiAction> byType, PiiCatalogue catalogue, String owner,
                                 List<String> problems) {
        PiiAction fallback = byType.getOrDefault(DEFAULT_KEY, PiiAction.TAG);
        PiiAction[] actions = new PiiAction[catalogue.types().size()];
        Arrays.fill(actions, fallback);
        for (Map.Entry<String, PiiAction> entry : byType.entrySet()) {
            if (entry.getKey().equals(DEFAULT_KEY)) {
                continue;
            }
            int type = catalogue.indexOf(entry.getKey());
            if (type < 0) {
                List<String> known = new ArrayList<>();
                catalogue.types().forEach(t -> known.add(t.name()));
                problems.add(owner + ": unknown PII type '" + entry.getKey() + "'; the catalogue has "
                        + String.join(", ", known));
                continue;
            }
            actions[type] = entry.getValue();
        }
        return new PiiPolicy(actions);
    }

    public PiiAction action(int type) {
        return actions[type];
    }
}
