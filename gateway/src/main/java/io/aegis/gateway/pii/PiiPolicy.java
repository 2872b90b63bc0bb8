package io.aegis.gateway.pii;

import io.aegis.gateway.config.TenantSettings;
import io.aegis.pii.PiiCatalogue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One tenant's action per PII type for requests, and for answers when it asks for answers to be
 * scanned, indexed by the catalogue's type index; and whether placeholders are restored in answers.
 */
public final class PiiPolicy {
    /** What a tenant without a policy gets: every type recorded, nothing changed. */
    public static final String DEFAULT_KEY = "default";

    private final PiiAction[] actions;
    /** {@code null}: answers are not scanned. */
    private final PiiAction[] responseActions;
    private final boolean restore;

    private PiiPolicy(PiiAction[] actions, PiiAction[] responseActions, boolean restore) {
        this.actions = actions;
        this.responseActions = responseActions;
        this.restore = restore;
    }

    /** A policy that records everything in requests and leaves answers alone. */
    public static PiiPolicy tagAll(PiiCatalogue catalogue) {
        PiiAction[] actions = new PiiAction[catalogue.types().size()];
        Arrays.fill(actions, PiiAction.TAG);
        return new PiiPolicy(actions, null, false);
    }

    /**
     * Builds a policy from config: request actions, answer actions ({@code pii_policy.response}, empty
     * for none) and {@code restore}.
     *
     * @param problems receives a message per unknown type
     */
    public static PiiPolicy from(Map<String, PiiAction> byType, Map<String, PiiAction> responseByType,
                                 boolean restore, PiiCatalogue catalogue, String owner, List<String> problems) {
        PiiAction[] response = responseByType.isEmpty() ? null
                : actions(responseByType, catalogue, owner + ".response", problems);
        return new PiiPolicy(actions(byType, catalogue, owner, problems), response, restore);
    }

    /** A tenant's policy as configured (its {@code pii_policy}). */
    public static PiiPolicy forTenant(TenantSettings tenant, PiiCatalogue catalogue, String owner,
                                      List<String> problems) {
        Map<String, PiiAction> request = new HashMap<>();
        tenant.piiPolicy().forEach((type, action) -> request.put(type, PiiAction.byName(action)));
        Map<String, PiiAction> response = new HashMap<>();
        tenant.piiResponsePolicy().forEach((type, action) -> response.put(type, PiiAction.byName(action)));
        return from(request, response, tenant.piiRestore(), catalogue, owner, problems);
    }

    /** Actions by type index from {@code default} and type names to {@code tag|redact|block}. */
    private static PiiAction[] actions(Map<String, PiiAction> byType, PiiCatalogue catalogue, String owner,
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
        return actions;
    }

    public PiiAction action(int type) {
        return actions[type];
    }

    /** True when this tenant's answers are scanned. */
    public boolean scansAnswers() {
        return responseActions != null;
    }

    /** The action for a finding of {@code type} in an answer; only when {@link #scansAnswers()}. */
    public PiiAction responseAction(int type) {
        return responseActions[type];
    }

    /** True when placeholders this tenant's requests got are turned back into the originals in answers. */
    public boolean restores() {
        return restore;
    }
}
