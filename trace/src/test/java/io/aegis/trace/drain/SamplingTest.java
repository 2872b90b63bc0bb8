package io.aegis.trace.drain;

import io.aegis.trace.TraceField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.trace.TraceEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which rate applies, and that a rate keeps about that share of traces, the same ones every time. */
class SamplingTest {
    private static TraceEvent event(int i, String tenant, String tag, double ruleRate, int status) {
        TraceEvent e = new TraceEvent();
        e.set(TraceField.TRACE_ID, String.format("%032x", 0x9e3779b97f4a7c15L * (i + 1)));
        e.set(TraceField.TENANT, tenant);
        if (tag != null) {
            e.addTag(tag);
        }
        e.set(TraceField.SAMPLE_RATE, ruleRate);
        e.set(TraceField.STATUS, status);
        return e;
    }

    @Test
    void ruleThenTagThenTenantThenDefault() {
        Sampling sampling = new Sampling(0.5, Map.of("bulk", 0.01), Map.of("personal-data", 1.0, "noise", 0.0));
        assertEquals(0.2, sampling.rate(event(0, "bulk", "personal-data", 0.2, 200)), "a rule's sample action first");
        assertEquals(1.0, sampling.rate(event(0, "bulk", "personal-data", -1, 200)), "then the event's tags");
        assertEquals(0.01, sampling.rate(event(0, "bulk", null, -1, 200)), "then its tenant");
        assertEquals(0.5, sampling.rate(event(0, "acme", null, -1, 200)), "then the default");
        assertTrue(sampling.keep(event(0, "bulk", "noise", -1, 502)), "errors are always kept");
        TraceEvent denied = event(0, "bulk", "noise", -1, 200);
        denied.set(TraceField.DENIED, true);
        assertTrue(sampling.keep(denied), "denials are always kept");
    }

    @Test
    void aRateKeepsAboutThatShareAndTheSameTracesEachTime() {
        Sampling sampling = new Sampling(0.1, Map.of(), Map.of());
        int kept = 0;
        for (int i = 0; i < 20_000; i++) {
            TraceEvent e = event(i, "acme", null, -1, 200);
            boolean first = sampling.keep(e);
            assertEquals(first, sampling.keep(e), "decided by trace id");
            kept += first ? 1 : 0;
        }
        assertTrue(kept > 1_700 && kept < 2_300, "about 10% of 20,000: " + kept);
    }
}
