package io.aegis.bench;

import io.aegis.rules.Decision;
import io.aegis.rules.Evaluation;
import io.aegis.rules.RequestView;
import io.aegis.rules.RuleSet;
import io.aegis.rules.RulesException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rule evaluation with 10 to 10,000 rules of the shapes large rule sets have: most rules scoped to
 * a tenant, a model, a provider or a path (the hash dispatch narrows to them), the rest global
 * guards that share a small pool of predicates (PII, sizes, headers, hours) and shadow trials.
 * Requests cycle through 64 prepared ones. {@link #compile} measures compiling the same text.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RuleEvaluationBenchmark {
    static final List<String> PII = List.of("EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS", "API_KEY");
    private static final String[] GLOBAL = {
        "pii.any([\"CREDIT_CARD\", \"API_KEY\"])", "tokens.input > 150000", "header[\"x-team\"] == \"red\"",
        "pii.count(\"EMAIL\") > 3", "time.hour_utc < 6", "\"x-aegis-batch\" in header", "stream && tokens.max_output > 8000",
        "client.ip.in(\"10.0.0.0/8\")", "budget.remaining_fraction < 0.05", "model.startsWith(\"claude-opus\")"};
    private static final String[] RESIDUAL = {
        "tokens.input > 20000", "pii.has(\"EMAIL\")", "tokens.max_output > 4096", "!stream", "pii.any([\"PHONE\", \"US_SSN\"])",
        "cost.estimate_usd > 0.5"};

    @Param({"10", "100", "1000", "10000"})
    public int rules;

    private String text;
    private RuleSet ruleSet;
    private Evaluation evaluation;
    private Request[] requests;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws RulesException {
        text = ruleFile(rules, new Random(rules));
        ruleSet = RuleSet.compileTexts(Map.of("bench.yaml", text), PII);
        evaluation = ruleSet.newEvaluation();
        Random random = new Random(7);
        requests = new Request[64];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = Request.random(random, rules);
        }
    }

    @Benchmark
    public Decision evaluate() {
        Request request = requests[next++ & 63];
        return ruleSet.evaluate(request, evaluation);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public RuleSet compile() throws RulesException {
        return RuleSet.compileTexts(Map.of("bench.yaml", text), PII);
    }

    static String ruleFile(int count, Random random) {
        int tenants = Math.max(4, count / 2);
        int models = 20;
        StringBuilder yaml = new StringBuilder("version: 1\nrules:\n");
        for (int r = 0; r < count; r++) {
            int shape = random.nextInt(10);
            String residual = RESIDUAL[random.nextInt(RESIDUAL.length)];
            String when;
            if (shape < 4) {
                when = "tenant == \"tenant-" + random.nextInt(tenants) + "\" && " + residual;
            } else if (shape < 7) {
                when = "model == \"model-" + random.nextInt(models) + "\" && " + residual;
            } else if (shape < 8) {
                when = "provider == \"" + (random.nextBoolean() ? "gemini" : "anthropic") + "\" && tenant == \"tenant-"
                        + random.nextInt(tenants) + "\" && " + residual;
            } else if (shape < 9) {
                when = "path == \"/v1/path-" + random.nextInt(10) + "\" && " + residual;
            } else {
                when = GLOBAL[random.nextInt(GLOBAL.length)] + (random.nextBoolean() ? " && " + residual : "");
            }
            yaml.append("  - id: r").append(r).append("\n    when: '").append(when.replace("'", "''")).append("'\n");
            switch (random.nextInt(6)) {
                case 0: yaml.append("    action: deny\n    status: 403\n"); break;
                case 1: yaml.append("    action: redact\n    types: [EMAIL, PHONE]\n"); break;
                case 2: yaml.append("    action: route\n    model: model-0\n"); break;
                case 3: yaml.append("    action: limit\n    class: bulk\n"); break;
                case 4: yaml.append("    action: deny\n    mode: shadow\n"); break;
                default: yaml.append("    action: tag\n    tags: [t").append(r % 50).append("]\n"); break;
            }
        }
        return yaml.toString();
    }

    /** A request as the gateway's view would answer it: fields read, nothing computed. */
    static final class Request implements RequestView {
        String provider;
        String model;
        String tenant;
        String path;
        boolean stream;
        String team;
        String batch;
        String clientIp;
        long inputTokens;
        long maxOutput;
        int[] pii = new int[PII.size()];
        int hour;

        static Request random(Random random, int rules) {
            Request r = new Request();
            r.provider = random.nextBoolean() ? "gemini" : "anthropic";
            r.model = "model-" + random.nextInt(24);
            r.tenant = "tenant-" + random.nextInt(Math.max(4, rules / 2) + 10);
            r.path = "/v1/path-" + random.nextInt(12);
            r.stream = random.nextBoolean();
            r.team = random.nextInt(4) == 0 ? "red" : null;
            r.batch = random.nextInt(8) == 0 ? "1" : null;
            r.clientIp = random.nextBoolean() ? "10.1.2.3" : "192.168.1.1";
            r.inputTokens = random.nextInt(200000);
            r.maxOutput = random.nextInt(16000);
            for (int t = 0; t < r.pii.length; t++) {
                r.pii[t] = random.nextInt(10) == 0 ? 1 + random.nextInt(5) : 0;
            }
            r.hour = random.nextInt(24);
            return r;
        }

        @Override public String provider() { return provider; }
        @Override public String model() { return model; }
        @Override public String tenant() { return tenant; }
        @Override public String keyId() { return ""; }
        @Override public String path() { return path; }
        @Override public String method() { return "POST"; }
        @Override public boolean stream() { return stream; }
        @Override public String header(String name) { return name.equals("x-team") ? team : name.equals("x-aegis-batch") ? batch : null; }
        @Override public String clientIp() { return clientIp; }
        @Override public long inputTokens() { return inputTokens; }
        @Override public long maxOutputTokens() { return maxOutput; }
        @Override public double costEstimateUsd() { return inputTokens / 1_000_000.0 * 3; }
        @Override public double budgetRemainingFraction() { return 0.5; }
        @Override public int piiCount(int type) { return pii[type]; }
        @Override public boolean promptMatches(int pattern) { return false; }
        @Override public int hourUtc() { return hour; }
    }
}
