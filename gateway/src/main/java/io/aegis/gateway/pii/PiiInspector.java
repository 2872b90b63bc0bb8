package io.aegis.gateway.pii;

import io.aegis.gateway.request.MessageText;
import io.aegis.gateway.request.RequestFacts;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiScanner;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.Map;

/**
 * Scans a request's message text and applies the tenant's policy. The scanner is per thread (event
 * loops never share one); the engine and policies are immutable and shared.
 */
public final class PiiInspector implements AutoCloseable {
    /** The outcome of {@link #inspect}. */
    public enum Verdict { CLEAN, TAGGED, REDACT, BLOCK }

    private final PiiEngine engine;
    /** Replaced whole when tenants change. */
    private volatile Map<String, PiiPolicy> policies;
    private final PiiPolicy defaultPolicy;
    private final BodyRedactor redactor;
    private final int holdbackBytes;
    private final FastThreadLocal<PiiScanner> scanners = new FastThreadLocal<>() {
        @Override
        protected PiiScanner initialValue() {
            return engine.newScanner();
        }

        @Override
        protected void onRemoval(PiiScanner scanner) {
            scanner.close();
        }
    };

    public PiiInspector(PiiEngine engine, Map<String, PiiPolicy> policies, BodyRedactor redactor, int holdbackBytes) {
        this.engine = engine;
        this.holdbackBytes = holdbackBytes;
        this.policies = Map.copyOf(policies);
        this.defaultPolicy = PiiPolicy.tagAll(engine.catalogue());
        this.redactor = redactor;
    }

    /** Puts new per-tenant policies in force for requests inspected after this returns. */
    public void replacePolicies(Map<String, PiiPolicy> next) {
        policies = Map.copyOf(next);
    }

    public PiiCatalogue catalogue() {
        return engine.catalogue();
    }

    /**
     * Decodes and scans the message text of a parsed request into {@code text} and {@code findings},
     * and decides. For {@link Verdict#REDACT} call {@link #redacted}; for {@link Verdict#BLOCK},
     * {@code blockedTypes} names what blocked it.
     */
    public Verdict inspect(ByteBuf body, RequestFacts facts, String tenantId, MessageText text, Findings findings,
                           boolean[] redactTypes, StringBuilder blockedTypes) {
        int types = engine.catalogue().types().size();
        findings.clear(types);
        if (facts.textSpanCount() == 0) {
            return Verdict.CLEAN;
        }
        int length = text.decode(body, facts);
        scanners.get().scan(text.bytes(), length, findings);
        if (findings.size() == 0) {
            return Verdict.CLEAN;
        }
        PiiPolicy policy = policy(tenantId);
        boolean redact = false;
        blockedTypes.setLength(0);
        for (int type = 0; type < types; type++) {
            redactTypes[type] = false;
            if (!findings.has(type)) {
                continue;
            }
            switch (policy.action(type)) {
                case BLOCK:
                    blockedTypes.append(blockedTypes.length() == 0 ? "" : ", ")
                            .append(engine.catalogue().types().get(type).name());
                    break;
                case REDACT:
                    redactTypes[type] = true;
                    redact = true;
                    break;
                default:
                    break;
            }
        }
        if (blockedTypes.length() > 0) {
            return Verdict.BLOCK;
        }
        return redact ? Verdict.REDACT : Verdict.TAGGED;
    }

    /** The body with the marked types redacted; the caller releases the old body. */
    public ByteBuf redacted(io.netty.buffer.ByteBufAllocator alloc, ByteBuf body, MessageText text, Findings findings,
                            boolean[] redactTypes, String tenantId, Placeholders placeholders) {
        return redactor.redact(alloc, body, text, findings, redactTypes, engine.catalogue(),
                tenantId == null ? "" : tenantId, placeholders);
    }

    /** The tenant's policy ({@code null}: no tenant), as in force now. */
    public PiiPolicy policy(String tenantId) {
        return tenantId == null ? defaultPolicy : policies.getOrDefault(tenantId, defaultPolicy);
    }

    /** The redactor, for answers redacted in the same styles as requests. */
    public BodyRedactor redactor() {
        return redactor;
    }

    /** The most answer text held back while a value could still be forming ({@code pii.response_holdback_bytes}). */
    public int holdbackBytes() {
        return holdbackBytes;
    }

    /** The calling thread's scanner (event loops each have their own). */
    public PiiScanner scanner() {
        return scanners.get();
    }

    @Override
    public void close() {
        engine.close();
    }
}
