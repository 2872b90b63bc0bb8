package io.aegis.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The compiled rule set decides exactly as a straightforward interpreter would: CEL's own runtime
 * evaluating each rule's condition as written, in file order, with the rules/README.md semantics. Random
 * rule sets (dispatchable equalities, shared predicates, arithmetic that can fail, missing headers,
 * shadow rules) against random requests: 500 sets × 24 requests = 12,000 pairs per run.
 */
class CompiledEqualsReferenceTest {
    static final List<String> PII = RuleProblemsTest.PII;
    private static final String[] PROVIDERS = {"anthropic", "gemini"};
    private static final String[] MODELS = {"claude-sonnet-4-5", "claude-opus-4-1", "gemini-2.5-pro", "gemini-2.5-flash", "x"};
    private static final String[] TENANTS = {"acme", "research", "trial", ""};
    private static final String[] PATHS = {"/v1/messages", "/v1beta/models/gemini-2.5-pro:generateContent", "/v1/messages/count_tokens"};
    private static final String[] IPS = {"10.1.2.3", "192.168.0.9", "8.8.8.8", "::1", "fd00::5", "::ffff:10.9.9.9", "2001:db8::1", ""};
    private static final String[] ATOMS = {
        "provider == \"anthropic\"", "provider == \"gemini\"", "\"gemini\" == provider",
        "model == \"claude-opus-4-1\"", "model in [\"gemini-2.5-pro\", \"gemini-2.5-flash\"]", "model.startsWith(\"claude\")",
        "model.endsWith(\"flash\")", "model.contains(\"opus\")", "model.matches(\"^gemini-[0-9.]+-pro$\")",
        "tenant == \"research\"", "tenant != \"acme\"", "tenant in [\"acme\", \"trial\"]", "path == \"/v1/messages\"",
        "path.startsWith(\"/v1beta\")", "method == \"POST\"", "key_id != \"\"",
        "tokens.input > 1000", "tokens.input <= 50", "tokens.max_output >= 4096", "tokens.input + tokens.max_output > 5000",
        "tokens.input / tokens.max_output > 2", "tokens.input % 7 == 3", "tokens.input * 1000000000000 > 5",
        "-tokens.input < -100", "size(model) > 12", "model.size() == 1",
        "cost.estimate_usd > 0.5", "cost.estimate_usd * 2.0 <= 1.0", "budget.remaining_fraction < 0.1",
        "stream", "!stream", "stream == true", "header[\"x-team\"] == \"red\"", "\"x-team\" in header",
        "header[\"X-Team\"].startsWith(\"r\")", "pii.has(\"EMAIL\")", "pii.any([\"PHONE\", \"CREDIT_CARD\"])",
        "pii.count(\"EMAIL\") >= 2", "pii.count(\"API_KEY\") == 0", "prompt.matches(\"secret\")",
        "prompt.matches(\"(?i)password\")", "client.ip.in(\"10.0.0.0/8\")", "client.ip.in(\"fd00::/8\")",
        "client.ip.in(\"192.168.0.0/16\")", "time.hour_utc < 12", "time.hour_utc in [0, 1, 2, 23]",
        "(stream ? tokens.input > 10 : tokens.max_output > 10)", "(tokens.input > 100 ? \"big\" : \"small\") == \"big\"",
        "true", "false"};
    private static final String[] ACTIONS = {
        "action: allow", "action: deny\n    status: 451\n    message: no", "action: redact\n    types: [EMAIL, PHONE]",
        "action: route\n    model: claude-sonnet-4-5", "action: tag\n    tags: [t1]", "action: sample\n    rate: 0.5",
        "action: limit\n    class: bulk"};

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addFunctionBindings(
                    CelFunctionBinding.from("pii_has", Counts.class, String.class, (pii, type) -> pii.count(type) > 0),
                    CelFunctionBinding.from("pii_any", Counts.class, List.class, (pii, types) -> {
                        for (Object type : types) {
                            if (pii.count((String) type) > 0) {
                                return true;
                            }
                        }
                        return false;
                    }),
                    CelFunctionBinding.from("pii_count", Counts.class, String.class, (pii, type) -> (long) pii.count(type)),
                    CelFunctionBinding.from("prompt_matches", Prompt.class, String.class,
                            (prompt, regex) -> Pattern.compile(regex).matcher(prompt.text).find()),
                    CelFunctionBinding.from("ip_in", String.class, String.class, CompiledEqualsReferenceTest::ipIn))
            .build();

    /** Opaque {@code pii} for CEL's runtime. */
    record Counts(Map<String, Integer> counts) {
        int count(String type) {
            return counts.getOrDefault(type, 0);
        }
    }

    /** Opaque {@code prompt} for CEL's runtime. */
    record Prompt(String text) {
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Property(tries = 500)
    void compiledRulesDecideAsTheReferenceInterpreter(@ForAll("seeds") long seed) throws Exception {
        Random random = new Random(seed);
        int ruleCount = 1 + random.nextInt(25);
        List<String> conditions = new ArrayList<>();
        StringBuilder yaml = new StringBuilder("version: 1\nrules:\n");
        for (int r = 0; r < ruleCount; r++) {
            // Mostly conditional rules: an unconditional terminal rule would make the rest unreachable.
            String condition = random.nextInt(20) == 0 ? null : condition(random, 0);
            if (condition != null && condition.replace("(", "").replace(")", "").equals("true")) {
                condition = "true && stream"; // a bare true would make every later rule unreachable (a compile error)
            }
            conditions.add(condition);
            yaml.append("  - id: r").append(r).append('\n');
            if (condition != null) {
                yaml.append("    when: '").append(condition.replace("'", "''")).append("'\n");
            }
            String action = ACTIONS[random.nextInt(ACTIONS.length)];
            if (condition == null && action.startsWith("action: allow") || condition == null && action.startsWith("action: deny")) {
                action = ACTIONS[2 + random.nextInt(ACTIONS.length - 2)];
            }
            yaml.append("    ").append(action).append('\n');
            if (random.nextInt(6) == 0) {
                yaml.append("    mode: shadow\n");
            }
        }
        RuleSet rules = RuleSet.compileTexts(Map.of("random.yaml", yaml.toString()), PII);
        List<CelRuntime.Program> programs = new ArrayList<>();
        for (String condition : conditions) {
            if (condition == null) {
                programs.add(null);
            } else {
                CelAbstractSyntaxTree ast = Attributes.compiler().compile(Attributes.rewriteIpIn(condition)).getAst();
                programs.add(RUNTIME.createProgram(ast));
            }
        }
        Evaluation evaluation = rules.newEvaluation();
        for (int q = 0; q < 24; q++) {
            TestRequest request = TestRequest.random(random, rules.promptPatterns());
            Decision decision = rules.evaluate(request, evaluation);
            String expected = reference(rules, programs, request);
            assertEquals(expected, describe(decision), () -> "rules:\n" + yaml + "\nrequest: " + request);
        }
    }

    /** File order; allow and deny end evaluation; shadow rules are recorded and change nothing. */
    private static String reference(RuleSet rules, List<CelRuntime.Program> programs, TestRequest request) {
        Map<String, Object> activation = request.activation();
        StringBuilder actions = new StringBuilder();
        StringBuilder shadows = new StringBuilder();
        for (int i = 0; i < programs.size(); i++) {
            boolean matched;
            if (programs.get(i) == null) {
                matched = true;
            } else {
                try {
                    matched = Boolean.TRUE.equals(programs.get(i).eval(activation));
                } catch (CelEvaluationException e) {
                    matched = false; // an error is not a match
                }
            }
            if (!matched) {
                continue;
            }
            Rule rule = rules.rules().get(i);
            if (rule.shadow()) {
                shadows.append(i).append(' ');
            } else if (rule.action().terminal()) {
                return (rule.action() == ActionKind.DENY ? "deny " : "allow ") + i + " | " + actions + "| " + shadows;
            } else {
                actions.append(i).append(' ');
            }
        }
        return "allow -1 | " + actions + "| " + shadows;
    }

    private static String describe(Decision decision) {
        StringBuilder out = new StringBuilder(decision.denied() ? "deny " : "allow ").append(decision.decidingRule()).append(" | ");
        for (int i = 0; i < decision.actionCount(); i++) {
            out.append(decision.action(i)).append(' ');
        }
        out.append("| ");
        for (int i = 0; i < decision.shadowCount(); i++) {
            out.append(decision.shadow(i)).append(' ');
        }
        return out.toString();
    }

    private static String condition(Random random, int depth) {
        int pick = depth >= 3 ? 0 : random.nextInt(6);
        switch (pick) {
            case 1: return condition(random, depth + 1) + " && " + condition(random, depth + 1);
            case 2: return condition(random, depth + 1) + " || " + condition(random, depth + 1);
            case 3: return "!(" + condition(random, depth + 1) + ")";
            case 4: return "(" + condition(random, depth + 1) + ")";
            default: return ATOMS[random.nextInt(ATOMS.length)];
        }
    }

    /** An independent CIDR test for the reference: java.net over the same text. */
    private static boolean ipIn(String ip, String cidr) {
        if (ip.isEmpty()) {
            return false;
        }
        try {
            byte[] address = InetAddress.getByName(ip).getAddress();
            String[] parts = cidr.split("/");
            byte[] network = InetAddress.getByName(parts[0]).getAddress();
            int prefix = Integer.parseInt(parts[1]);
            if (address.length == 16 && network.length == 4 && isMapped(address)) {
                address = java.util.Arrays.copyOfRange(address, 12, 16);
            }
            if (address.length != network.length) {
                return false;
            }
            BigInteger a = new BigInteger(1, address);
            BigInteger n = new BigInteger(1, network);
            int bits = address.length * 8;
            return a.shiftRight(bits - prefix).equals(n.shiftRight(bits - prefix));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean isMapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    /** A request for both evaluators. */
    record TestRequest(String provider, String model, String tenant, String keyId, String path, String method,
            boolean stream, Map<String, String> headers, String clientIp, long inputTokens, long maxOutputTokens,
            double costEstimateUsd, double budgetRemainingFraction, Map<String, Integer> pii, String prompt,
            boolean[] promptMatches, int hourUtc) implements RequestView {

        static TestRequest random(Random random, List<String> promptPatterns) {
            Map<String, String> headers = new HashMap<>();
            if (random.nextBoolean()) {
                headers.put("x-team", random.nextBoolean() ? "red" : "blue");
            }
            Map<String, Integer> pii = new HashMap<>();
            for (String type : PII) {
                if (random.nextInt(4) == 0) {
                    pii.put(type, 1 + random.nextInt(3));
                }
            }
            String[] prompts = {"hello", "my secret plan", "PassWord reset", "nothing here"};
            String prompt = prompts[random.nextInt(prompts.length)];
            boolean[] matches = new boolean[promptPatterns.size()];
            for (int i = 0; i < matches.length; i++) {
                matches[i] = Pattern.compile(promptPatterns.get(i)).matcher(prompt).find();
            }
            long[] tokens = {0, 1, 10, 50, 51, 999, 1000, 1001, 4096, 100000, Long.MAX_VALUE / 2};
            return new TestRequest(PROVIDERS[random.nextInt(2)], MODELS[random.nextInt(MODELS.length)],
                    TENANTS[random.nextInt(TENANTS.length)], random.nextBoolean() ? "" : "key-1",
                    PATHS[random.nextInt(PATHS.length)], random.nextInt(5) == 0 ? "GET" : "POST", random.nextBoolean(),
                    headers, IPS[random.nextInt(IPS.length)], tokens[random.nextInt(tokens.length)],
                    tokens[random.nextInt(tokens.length)], random.nextInt(5) == 0 ? 0.5 : random.nextDouble() * 2,
                    random.nextDouble(), pii, prompt, matches, random.nextInt(24));
        }

        Map<String, Object> activation() {
            Map<String, Object> a = new HashMap<>();
            a.put("provider", provider);
            a.put("model", model);
            a.put("tenant", tenant);
            a.put("key_id", keyId);
            a.put("path", path);
            a.put("method", method);
            a.put("stream", stream);
            // Header names are case-insensitive in rules, as in HTTP.
            Map<String, String> header = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            header.putAll(headers);
            a.put("header", header);
            a.put("client", Map.of("ip", clientIp));
            a.put("tokens", Map.of("input", inputTokens, "max_output", maxOutputTokens));
            a.put("cost", Map.of("estimate_usd", costEstimateUsd));
            a.put("budget", Map.of("remaining_fraction", budgetRemainingFraction));
            a.put("time", Map.of("hour_utc", (long) hourUtc));
            a.put("pii", new Counts(pii));
            a.put("prompt", new Prompt(prompt));
            return a;
        }

        @Override
        public String header(String lowerCaseName) {
            return headers.get(lowerCaseName);
        }

        @Override
        public int piiCount(int piiType) {
            return pii.getOrDefault(PII.get(piiType), 0);
        }

        @Override
        public boolean promptMatches(int pattern) {
            return promptMatches[pattern];
        }

        @Override
        public String toString() {
            return provider + " " + model + " tenant=" + tenant + " key=" + keyId + " " + method + " " + path + " stream="
                    + stream + " headers=" + headers + " ip=" + clientIp + " tokens=" + inputTokens + "/" + maxOutputTokens
                    + " cost=" + costEstimateUsd + " budget=" + budgetRemainingFraction + " pii=" + pii + " prompt='"
                    + prompt + "' hour=" + hourUtc;
        }
    }
}
