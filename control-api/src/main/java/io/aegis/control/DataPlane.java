package io.aegis.control;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the control API needs from the gateway it controls. Documents are the dynamic part of the
 * config in the config file's own schema, as JSON:
 * <pre>
 * { "rules":    [ { "name": "10-data-protection.yaml", "yaml": "rules: ..." } ],
 *   "tenants":  [ { "id": "acme", "keys": ["sha256:..."], "budget": {...}, "limits": {...}, "pii_policy": {...} } ],
 *   "sampling": { "default": 1.0, "tenants": {...}, "tags": {...} } }
 * </pre>
 * Checking and compiling happen in {@link #stage}; {@link Staged#apply} only swaps what was
 * compiled, so a change either applies whole or not at all.
 */
public interface DataPlane {
    /** The dynamic part of the config file, as version 1 on a first start. */
    ObjectNode initialDocument();

    /**
     * Checks one tenant's settings as a request gave them (JSON or YAML: {@code budget},
     * {@code limits}, {@code pii_policy}); problems name lines of {@code body}. Returns them in the
     * document's form, without {@code id} and {@code keys}.
     */
    ObjectNode tenantSettings(String id, String body) throws ChangeRejected;

    /** Checks sampling settings as a request gave them; returns them in the document's form. */
    ObjectNode samplingSettings(String body) throws ChangeRejected;

    /** Checks and compiles a whole document; nothing changes until {@link Staged#apply}. */
    Staged stage(ObjectNode document, long version) throws ChangeRejected;

    /** Whether config, rules, the PII database and the trace queue are ready to serve. */
    boolean ready();

    /** Live gateway counters in the Prometheus text format. */
    String metrics();

    /** A tenant's spend, tokens and requests per window, or {@code null} for an unknown tenant. */
    ObjectNode usage(String tenant);

    /**
     * The operator dashboard's data ({@code GET /v1/dashboard}): counters per tenant, provider and
     * model, latency by the second, spend, refusals, upstream state, PII and rule counts, all from
     * in-memory aggregates.
     */
    ObjectNode dashboard();

    /**
     * The newest trace events matching the CEL condition {@code where} (all when {@code null}),
     * newest first, each a JSON object as {@code aegis tail --json} prints it; at most {@code limit}.
     *
     * @throws IllegalArgumentException when {@code where} is not a valid condition (the message says why)
     */
    java.util.List<String> recentEvents(String where, int limit);

    /** A checked, compiled document waiting to be put in force. */
    interface Staged {
        /** Puts it in force for every request that starts after this returns; never fails. */
        void apply();
    }
}
