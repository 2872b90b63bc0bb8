package io.aegis.trace.drain;

import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceField;
import java.util.Map;

/**
 * Which events become spans. Errors and denials are always kept. Otherwise the rate is the first
 * that applies: a rule's {@code sample} action on the event, the highest rate among the event's
 * tags that have one, its tenant's rate, the default. Decided by trace id, so a trace is kept or
 * dropped whole.
 *
 * <pre>
 * drainer:
 *   sampling: { default: 1.0, tenants: { bulk-jobs: 0.01 }, tags: { personal-data: 1.0 } }
 * </pre>
 */
public final class Sampling {
    private final double defaultRate;
    private final Map<String, Double> tenants;
    private final Map<String, Double> tags;

    public Sampling(double defaultRate, Map<String, Double> tenants, Map<String, Double> tags) {
        this.defaultRate = defaultRate;
        this.tenants = Map.copyOf(tenants);
        this.tags = Map.copyOf(tags);
    }

    /** Keep everything. */
    public static Sampling all() {
        return new Sampling(1.0, Map.of(), Map.of());
    }

    boolean keep(TraceEvent e) {
        if (e.failed() || e.flag(TraceField.DENIED)) {
            return true;
        }
        double rate = rate(e);
        if (rate >= 1) {
            return true;
        }
        if (rate <= 0) {
            return false;
        }
        int hash = 0;
        for (int i = 0; i < e.text(TraceField.TRACE_ID).length(); i++) {
            hash = 31 * hash + e.text(TraceField.TRACE_ID).charAt(i);
        }
        return ((hash & 0x7fffffff) % 10_000) < rate * 10_000;
    }

    double rate(TraceEvent e) {
        if (e.decimal(TraceField.SAMPLE_RATE) >= 0) {
            return e.decimal(TraceField.SAMPLE_RATE);
        }
        double tagRate = -1;
        if (!tags.isEmpty()) {
            for (int i = 0; i < e.tagSize(); i++) {
                Double rate = tags.get(e.tag(i).toString());
                if (rate != null) {
                    tagRate = Math.max(tagRate, rate);
                }
            }
        }
        if (tagRate >= 0) {
            return tagRate;
        }
        if (!tenants.isEmpty()) {
            Double rate = tenants.get(e.text(TraceField.TENANT).toString());
            if (rate != null) {
                return rate;
            }
        }
        return defaultRate;
    }
}
