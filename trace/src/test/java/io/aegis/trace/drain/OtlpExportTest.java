package io.aegis.trace.drain;

import io.aegis.trace.TraceField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceWriter;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/HTTP received in process and decoded from protobuf: GenAI span names and attributes,
 * sampling (errors always kept, a rule's rate of 0 honoured), and the token and duration metrics.
 */
class OtlpExportTest {
    @TempDir
    Path dir;

    @Test
    void spansAndMetricsCarryTheGenAiNames() throws Exception {
        List<Span> spans = new CopyOnWriteArrayList<>();
        Map<String, Metric> metrics = new ConcurrentHashMap<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        collector.createContext("/v1/traces", exchange -> {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
            request.getResourceSpansList().forEach(r -> r.getScopeSpansList().forEach(s -> spans.addAll(s.getSpansList())));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.createContext("/v1/metrics", exchange -> {
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
            request.getResourceMetricsList().forEach(r -> r.getScopeMetricsList().forEach(
                    s -> s.getMetricsList().forEach(m -> metrics.put(m.getName(), m))));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        Path queue = dir.resolve("trace");
        try (TraceWriter writer = new TraceWriter(queue)) {
            TraceEvent e = new TraceEvent();
            for (int i = 0; i < 3; i++) {
                e.clear();
                e.set(TraceField.TIMESTAMP, 1_795_000_000_000_000_000L + i);
                e.set(TraceField.TRACE_ID, String.format("%032x", 0x4bf92f3577b34da6L + i));
                e.set(TraceField.SPAN_ID, String.format("%016x", 0x00f067aa0ba902b7L + i));
                e.set(TraceField.TENANT, "acme");
                e.provider(i == 1 ? TraceEvent.Provider.GEMINI : TraceEvent.Provider.ANTHROPIC);
                e.set(TraceField.MODEL, i == 1 ? "gemini-2.5-flash" : "claude-sonnet-4-5");
                e.set(TraceField.PATH, i == 1 ? "/v1beta/models/gemini-2.5-flash:generateContent" : "/v1/messages");
                e.set(TraceField.UPSTREAM, "https://api.anthropic.com");
                e.set(TraceField.STATUS, i == 2 ? 529 : 200);
                e.set(TraceField.ERROR, i == 2 ? "upstream_overloaded" : "");
                e.set(TraceField.INPUT_TOKENS, 10);
                e.set(TraceField.CACHE_READ_TOKENS, 5);
                e.set(TraceField.OUTPUT_TOKENS, 20);
                e.set(TraceField.COST_NANOS, 330_000);
                e.set(TraceField.TOTAL_NANOS, 250_000_000);
                e.set(TraceField.ATTEMPTS, i == 2 ? 3 : 1);
                e.set(TraceField.RETRIES, i == 2 ? 2 : 0);
                e.set(TraceField.CIRCUIT, i == 2 ? TraceEvent.CIRCUIT_HALF_OPEN : TraceEvent.CIRCUIT_CLOSED);
                e.set(TraceField.ATTEMPT_LOG, i == 2 ? "t0/k1:529 t0/k2:529 t1/k3:529" : "t0/k1:200");
                writer.append(e);
            }
            // A fourth event that its rule asked to sample at 0: counted in metrics, never a span.
            e.clear();
            e.set(TraceField.TIMESTAMP, 1_795_000_000_000_000_010L);
            e.set(TraceField.TRACE_ID, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
            e.set(TraceField.SPAN_ID, "bbbbbbbbbbbbbbbb");
            e.set(TraceField.TENANT, "acme");
            e.set(TraceField.MODEL, "claude-sonnet-4-5");
            e.set(TraceField.PATH, "/v1/messages");
            e.set(TraceField.STATUS, 200);
            e.set(TraceField.SAMPLE_RATE, 0);
            e.set(TraceField.OUTPUT_TOKENS, 7);
            writer.append(e);
        }
        String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort();
        try (OtlpExport otlp = new OtlpExport(endpoint, Sampling.all(), 100, Duration.ofMillis(200));
             Drainer drainer = new Drainer(queue, dir.resolve("state"), 1000, otlp)) {
            assertEquals(4, drainer.drainAvailable());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // The sender counts a batch once the collector's answer is back, which can be after
            // the collector has stored the spans: wait for both.
            while (spans.size() < 3 || otlp.exportedSpans() + otlp.droppedSpans() < 3
                    || !metrics.containsKey("gen_ai.client.token.usage")
                    || !metrics.containsKey("aegis.requests")) {
                assertTrue(System.nanoTime() < deadline, "the collector got " + spans.size() + " spans and " + metrics.keySet());
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertEquals(0, otlp.droppedSpans());
            assertEquals(3, otlp.exportedSpans(), "errors, and events sampled at 1; not the rate-0 one");
        } finally {
            collector.stop(0);
        }
        assertEquals(3, spans.size(), "the rate-0 event is not exported: " + spans);
        Map<String, Span> byName = spans.stream().collect(Collectors.toMap(Span::getName, s -> s, (a, b) -> a));
        Span chat = spans.get(0);
        assertEquals("chat claude-sonnet-4-5", chat.getName());
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, chat.getKind());
        assertEquals(String.format("%032x", 0x4bf92f3577b34da6L), HexFormat.of().formatHex(chat.getTraceId().toByteArray()),
                "the gateway's own trace id");
        Map<String, String> attributes = attributes(chat);
        assertEquals("anthropic", attributes.get("gen_ai.provider.name"));
        assertEquals("chat", attributes.get("gen_ai.operation.name"));
        assertEquals("claude-sonnet-4-5", attributes.get("gen_ai.request.model"));
        assertEquals("15", attributes.get("gen_ai.usage.input_tokens"), "cached input included");
        assertEquals("20", attributes.get("gen_ai.usage.output_tokens"));
        assertEquals("5", attributes.get("gen_ai.usage.cache_read.input_tokens"));
        assertEquals("api.anthropic.com", attributes.get("server.address"));
        assertEquals("gcp.gemini", attributes(byName.get("generate_content gemini-2.5-flash")).get("gen_ai.provider.name"));
        Span failed = spans.get(2);
        assertEquals("upstream_overloaded", attributes(failed).get("error.type"));
        assertEquals("2", attributes(failed).get("aegis.upstream.retries"));
        assertEquals("3", attributes(failed).get("aegis.upstream.attempts"));
        assertEquals("half_open", attributes(failed).get("aegis.upstream.circuit"));
        assertEquals("t0/k1:529 t0/k2:529 t1/k3:529", attributes(failed).get("aegis.upstream.attempt_log"));
        assertEquals("1", attributes.get("aegis.upstream.attempts"));
        assertTrue(!attributes.containsKey("aegis.upstream.retries") && !attributes.containsKey("aegis.upstream.attempt_log"),
                "a first-try request carries only its attempt count: " + attributes);
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR, failed.getStatus().getCode());

        Metric usage = metrics.get("gen_ai.client.token.usage");
        assertEquals("{token}", usage.getUnit());
        long tokenCount = usage.getHistogram().getDataPointsList().stream().mapToLong(p -> p.getCount()).sum();
        assertEquals(8, tokenCount, "input and output, for each of the four events");
        Metric duration = metrics.get("gen_ai.client.operation.duration");
        assertEquals("s", duration.getUnit());
        assertEquals(4, duration.getHistogram().getDataPointsList().stream().mapToLong(p -> p.getCount()).sum());
        long requests = metrics.get("aegis.requests").getSum().getDataPointsList().stream().mapToLong(p -> p.getAsInt()).sum();
        assertEquals(4, requests);
    }

    private static Map<String, String> attributes(Span span) {
        return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, kv -> {
            var value = kv.getValue();
            return value.hasIntValue() ? Long.toString(value.getIntValue())
                    : value.hasDoubleValue() ? Double.toString(value.getDoubleValue()) : value.getStringValue();
        }));
    }
}
