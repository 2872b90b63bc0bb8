package io.aegis.trace;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Trace events as text for {@code aegis tail}: one human-readable line, or one JSON object (SPEC §7 names). */
public final class TraceFormat {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private TraceFormat() {
    }

    /** {@code time tenant model status tokens cost latency decision}. */
    public static void line(TraceEvent e, StringBuilder out) {
        out.setLength(0);
        out.append(DateTimeFormatter.ISO_INSTANT.format(instant(e.timestampNanos))).append(' ')
                .append(e.tenant.length() == 0 ? "-" : e.tenant).append(' ')
                .append(e.routedModel.length() > 0 ? e.routedModel : e.model).append(' ')
                .append(e.status).append(' ')
                .append("in=").append(e.inputTokens + e.cacheReadTokens + e.cacheWriteTokens)
                .append(" out=").append(e.outputTokens).append(' ')
                .append('$').append(usd(e.costNanos, 6)).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.3fms ", e.totalNanos / 1_000_000.0))
                .append(e.denied ? "deny" : "allow");
        if (e.rule.length() > 0) {
            out.append(" rule=").append(e.rule);
        }
        if (e.error.length() > 0) {
            out.append(" error=").append(e.error);
        }
    }

    /** The SPEC §7 fields, plus {@code routed_model}, {@code outcome}, {@code tags}, {@code shadow}, {@code config_version},
     * {@code retries}, {@code hedge}, {@code circuit}, {@code attempt_log}. */
    public static void json(TraceEvent e, StringBuilder out) {
        out.setLength(0);
        out.append('{');
        field(out, "ts", DateTimeFormatter.ISO_INSTANT.format(instant(e.timestampNanos)));
        field(out, "trace_id", e.traceId);
        field(out, "span_id", e.spanId);
        field(out, "tenant", e.tenant);
        field(out, "key_id", e.keyId);
        field(out, "provider", e.provider == TraceEvent.Provider.ANTHROPIC ? "anthropic" : "gemini");
        field(out, "model", e.model);
        nullable(out, "routed_model", e.routedModel);
        field(out, "path", e.path);
        raw(out, "stream", e.stream ? "true" : "false");
        number(out, "status", e.status);
        field(out, "decision", e.denied ? "deny" : "allow");
        nullable(out, "rule", e.rule);
        out.append("\"pii\":{");
        for (int i = 0; i < e.piiSize(); i++) {
            out.append(i == 0 ? "" : ",");
            string(out, e.piiType(i));
            out.append(':').append(e.piiCount(i));
        }
        out.append("},");
        number(out, "input_tokens", e.inputTokens);
        number(out, "output_tokens", e.outputTokens);
        number(out, "cache_read_tokens", e.cacheReadTokens);
        number(out, "cache_write_tokens", e.cacheWriteTokens);
        raw(out, "cost_usd", usd(e.costNanos, 9));
        raw(out, "priced", e.pricedKnown ? "true" : "false");
        number(out, "attempts", e.attempts);
        nullable(out, "upstream", e.upstream);
        number(out, "t_total_us", e.totalNanos / 1000);
        number(out, "t_overhead_us", e.overheadNanos / 1000);
        if (e.ttfbNanos < 0) {
            raw(out, "t_ttfb_us", "null");
        } else {
            number(out, "t_ttfb_us", e.ttfbNanos / 1000);
        }
        field(out, "outcome", e.outcome.name().toLowerCase(java.util.Locale.ROOT));
        nullable(out, "error", e.error);
        out.append("\"tags\":[");
        for (int i = 0; i < e.tagSize(); i++) {
            out.append(i == 0 ? "" : ",");
            string(out, e.tag(i));
        }
        out.append("],\"shadow\":[");
        for (int i = 0; i < e.shadowSize(); i++) {
            out.append(i == 0 ? "" : ",");
            string(out, e.shadowRule(i));
        }
        out.append("],\"config_version\":").append(e.configVersion).append(',');
        number(out, "retries", e.retries);
        field(out, "hedge", TraceEvent.hedgeName(e.hedge));
        field(out, "circuit", TraceEvent.circuitName(e.circuit));
        string(out.append("\"attempt_log\":"), e.attemptLog);
        out.append('}');
    }

    /** Nano-dollars as a decimal number of USD with {@code decimals} places (rounded down). */
    static String usd(long nanos, int decimals) {
        long whole = nanos / NANOS_PER_SECOND;
        long fraction = Math.abs(nanos % NANOS_PER_SECOND);
        String digits = String.format("%09d", fraction).substring(0, decimals);
        return (nanos < 0 && whole == 0 ? "-" : "") + whole + "." + digits;
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(epochNanos / NANOS_PER_SECOND, epochNanos % NANOS_PER_SECOND);
    }

    private static void field(StringBuilder out, String name, CharSequence value) {
        out.append('"').append(name).append("\":");
        string(out, value);
        out.append(',');
    }

    private static void nullable(StringBuilder out, String name, CharSequence value) {
        if (value.length() == 0) {
            raw(out, name, "null");
        } else {
            field(out, name, value);
        }
    }

    private static void number(StringBuilder out, String name, long value) {
        out.append('"').append(name).append("\":").append(value).append(',');
    }

    private static void raw(StringBuilder out, String name, String value) {
        out.append('"').append(name).append("\":").append(value).append(',');
    }

    private static void string(StringBuilder out, CharSequence value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
