package io.aegis.trace.drain;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The totals in the Prometheus text format (the names trace/README.md lists): {@code aegis_requests_total},
 * {@code aegis_cost_usd_total}, {@code aegis_pii_findings_total}, {@code aegis_pii_response_findings_total}, {@code aegis_rule_decisions_total},
 * the upstream counters {@code aegis_retries_total}, {@code aegis_hedges_total} and
 * {@code aegis_circuit_open_total},
 * {@code aegis_gateway_overhead_seconds}, and the GenAI histograms
 * {@code gen_ai_client_operation_duration_seconds} and {@code gen_ai_client_token_usage}.
 */
final class PrometheusText {
    /** Histogram bucket bounds in seconds. */
    private static final double[] SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private PrometheusText() {
    }

    static String render(Totals totals) {
        StringBuilder out = new StringBuilder(4096);
        List<Series> all = totals.series();
        all.sort(Comparator.comparing((Series s) -> s.tenant).thenComparing(s -> s.provider).thenComparing(s -> s.model));
        header(out, "aegis_requests_total", "counter", "Requests the gateway finished, by tenant, provider and model.");
        for (Series s : all) {
            line(out, "aegis_requests_total", s, null, Long.toString(s.counts[Series.REQUESTS]));
        }
        header(out, "aegis_errors_total", "counter", "Requests that ended with an error status or an error.");
        for (Series s : all) {
            line(out, "aegis_errors_total", s, null, Long.toString(s.counts[Series.ERRORS]));
        }
        header(out, "aegis_cost_usd_total", "counter", "Settled cost in US dollars.");
        for (Series s : all) {
            line(out, "aegis_cost_usd_total", s, null, usd(s.counts[Series.COST_NANOS]));
        }
        header(out, "aegis_tokens_total", "counter", "Tokens by type (input is uncached input).");
        for (Series s : all) {
            line(out, "aegis_tokens_total", s, "type=\"input\"", Long.toString(s.counts[Series.INPUT_TOKENS]));
            line(out, "aegis_tokens_total", s, "type=\"output\"", Long.toString(s.counts[Series.OUTPUT_TOKENS]));
            line(out, "aegis_tokens_total", s, "type=\"cache_read\"", Long.toString(s.counts[Series.CACHE_READ_TOKENS]));
            line(out, "aegis_tokens_total", s, "type=\"cache_write\"", Long.toString(s.counts[Series.CACHE_WRITE_TOKENS]));
        }
        header(out, "aegis_retries_total", "counter", "Upstream retries, failover to another target included.");
        for (Series s : all) {
            line(out, "aegis_retries_total", s, null, Long.toString(s.counts[Series.RETRIES]));
        }
        header(out, "aegis_hedges_total", "counter", "Hedged requests, by the attempt that answered first.");
        for (Series s : all) {
            line(out, "aegis_hedges_total", s, "winner=\"hedge\"", Long.toString(s.counts[Series.HEDGES_WON]));
            line(out, "aegis_hedges_total", s, "winner=\"first\"", Long.toString(s.counts[Series.HEDGES] - s.counts[Series.HEDGES_WON]));
        }
        header(out, "aegis_circuit_open_total", "counter",
                "Requests that met an open circuit: a target passed over, or the request refused.");
        for (Series s : all) {
            line(out, "aegis_circuit_open_total", s, null, Long.toString(s.counts[Series.CIRCUIT_OPEN]));
        }
        header(out, "aegis_pii_findings_total", "counter", "PII findings by type (counts only, never values).");
        for (Map.Entry<String, Long> entry : totals.piiFindings().entrySet()) {
            out.append("aegis_pii_findings_total{type=\"").append(escape(entry.getKey())).append("\"} ")
                    .append(entry.getValue()).append('\n');
        }
        header(out, "aegis_pii_response_findings_total", "counter",
                "PII findings in answers by type, for tenants whose answers are scanned (counts only, never values).");
        for (Map.Entry<String, Long> entry : totals.piiResponseFindings().entrySet()) {
            out.append("aegis_pii_response_findings_total{type=\"").append(escape(entry.getKey())).append("\"} ")
                    .append(entry.getValue()).append('\n');
        }
        header(out, "aegis_rule_decisions_total", "counter", "Decisions by deciding rule (empty: no rule decided).");
        for (Map.Entry<String, Long> entry : totals.ruleDecisions().entrySet()) {
            String[] parts = entry.getKey().split("\u0000", -1);
            out.append("aegis_rule_decisions_total{rule=\"").append(escape(parts[0])).append("\",decision=\"")
                    .append(parts[1]).append("\"} ").append(entry.getValue()).append('\n');
        }
        header(out, "aegis_gateway_overhead_seconds", "histogram", "The gateway's own time before the upstream call.");
        for (Series s : all) {
            histogram(out, "aegis_gateway_overhead_seconds", s, s.overheadMicros);
        }
        header(out, "gen_ai_client_operation_duration_seconds", "histogram", "GenAI operation duration, end to end.");
        for (Series s : all) {
            histogram(out, "gen_ai_client_operation_duration_seconds", s, s.totalMicros);
        }
        return out.toString();
    }

    private static void histogram(StringBuilder out, String name, Series s, Histogram micros) {
        for (double bound : SECONDS) {
            long count = micros.getCountBetweenValues(0, (long) (bound * 1_000_000));
            line(out, name + "_bucket", s, "le=\"" + bound + "\"", Long.toString(count));
        }
        line(out, name + "_bucket", s, "le=\"+Inf\"", Long.toString(micros.getTotalCount()));
        double sumSeconds = micros.getMean() * micros.getTotalCount() / 1_000_000.0;
        line(out, name + "_sum", s, null, Double.toString(Double.isNaN(sumSeconds) ? 0 : sumSeconds));
        line(out, name + "_count", s, null, Long.toString(micros.getTotalCount()));
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder out, String name, Series s, String extra, String value) {
        out.append(name).append("{tenant=\"").append(escape(s.tenant)).append("\",provider=\"").append(s.provider)
                .append("\",model=\"").append(escape(s.model)).append('"');
        if (extra != null) {
            out.append(',').append(extra);
        }
        out.append("} ").append(value).append('\n');
    }

    static String usd(long nanos) {
        return (nanos < 0 ? "-" : "") + Math.abs(nanos / 1_000_000_000L) + "." + String.format("%09d", Math.abs(nanos % 1_000_000_000L));
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
