package io.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.gateway.request.MessageText;
import io.aegis.gateway.request.RequestBodyParser;
import io.aegis.gateway.request.RequestFacts;
import io.aegis.wire.Operation;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiScanner;
import io.aegis.rules.RequestView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A request described in JSON for the rule tools (rules/README.md):
 * {@code {"provider","model","tenant","path","headers":{},"body":{...}}}, plus optional
 * {@code key_id}, {@code method}, {@code client_ip}, {@code hour_utc}, {@code cost_estimate_usd} and
 * {@code budget_remaining_fraction}. The body goes through the gateway's own parser and PII scan,
 * so attributes such as {@code tokens.input} and {@code pii.count} mean what they mean on the wire.
 */
final class DescribedRequest implements RequestView {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String provider;
    private final String model;
    private final String tenant;
    private final String keyId;
    private final String path;
    private final String method;
    private final Map<String, String> headers = new HashMap<>();
    private final String clientIp;
    private final int hourUtc;
    private final double costEstimateUsd;
    private final double budgetRemainingFraction;
    private final RequestFacts facts = new RequestFacts();
    private final Findings findings = new Findings();
    private final boolean[] promptMatches;

    /** Reads a description; throws {@link IllegalArgumentException} naming what is wrong. */
    DescribedRequest(JsonNode description, PiiScanner scanner, int piiTypes, List<String> promptPatterns) {
        if (!description.isObject()) {
            throw new IllegalArgumentException("expected a JSON object describing a request");
        }
        String givenModel = text(description, "model", null);
        this.provider = text(description, "provider",
                givenModel != null && givenModel.startsWith("gemini") ? "gemini" : "anthropic").toLowerCase(Locale.ROOT);
        if (!provider.equals("anthropic") && !provider.equals("gemini")) {
            throw new IllegalArgumentException("provider must be \"anthropic\" or \"gemini\"");
        }
        boolean gemini = provider.equals("gemini");
        JsonNode body = description.path("body");
        if (!body.isMissingNode() && !body.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object (the provider request body)");
        }
        String bodyModel = body.path("model").isTextual() ? body.path("model").asText() : null;
        this.model = givenModel != null ? givenModel : bodyModel != null ? bodyModel : "";
        this.tenant = text(description, "tenant", "");
        this.keyId = text(description, "key_id", "");
        this.path = text(description, "path", gemini ? "/v1beta/models/" + model + ":generateContent" : "/v1/messages");
        this.method = text(description, "method", "POST");
        this.clientIp = text(description, "client_ip", "");
        this.hourUtc = description.path("hour_utc").isInt() ? description.path("hour_utc").asInt()
                : (int) ((System.currentTimeMillis() / 3_600_000L) % 24);
        this.costEstimateUsd = description.path("cost_estimate_usd").asDouble(0);
        this.budgetRemainingFraction = description.path("budget_remaining_fraction").asDouble(1);
        for (Iterator<Map.Entry<String, JsonNode>> it = description.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            headers.put(header.getKey().toLowerCase(Locale.ROOT), header.getValue().asText());
        }
        Operation operation = gemini
                ? (path.contains(":streamGenerateContent") ? Operation.GEMINI_STREAM_GENERATE_CONTENT : Operation.GEMINI_GENERATE_CONTENT)
                : Operation.ANTHROPIC_MESSAGES;
        ObjectMapper mapper = JSON;
        byte[] bytes;
        try {
            JsonNode withModel = body.isObject() ? body : mapper.createObjectNode();
            if (!gemini && bodyModel == null) {
                withModel = ((com.fasterxml.jackson.databind.node.ObjectNode) withModel.deepCopy()).put("model", model);
            }
            bytes = mapper.writeValueAsBytes(withModel);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("body: " + e.getOriginalMessage());
        }
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        String problem = new RequestBodyParser(Integer.MAX_VALUE).parse(buf, operation, gemini ? model : null, facts);
        if (problem != null) {
            throw new IllegalArgumentException("body: " + problem);
        }
        findings.clear(piiTypes);
        String prompt = "";
        if (facts.textSpanCount() > 0) {
            MessageText text = new MessageText();
            int length = text.decode(buf, facts);
            scanner.scan(text.bytes(), length, findings);
            prompt = new String(text.bytes(), 0, length, StandardCharsets.UTF_8);
        }
        promptMatches = new boolean[promptPatterns.size()];
        for (int i = 0; i < promptMatches.length; i++) {
            promptMatches[i] = Pattern.compile(promptPatterns.get(i)).matcher(prompt).find();
        }
    }

    private static String text(JsonNode node, String field, String otherwise) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return value.asText();
    }

    @Override public String provider() { return provider; }
    @Override public String model() { return model; }
    @Override public String tenant() { return tenant; }
    @Override public String keyId() { return keyId; }
    @Override public String path() { return path; }
    @Override public String method() { return method; }
    @Override public boolean stream() { return facts.stream(); }
    @Override public String header(String lowerCaseName) { return headers.get(lowerCaseName); }
    @Override public String clientIp() { return clientIp; }
    @Override public long inputTokens() { return facts.estimatedInputTokens(); }
    @Override public long maxOutputTokens() { return facts.maxOutputTokens(); }
    @Override public double costEstimateUsd() { return costEstimateUsd; }
    @Override public double budgetRemainingFraction() { return budgetRemainingFraction; }
    @Override public int piiCount(int piiType) { return findings.count(piiType); }
    @Override public boolean promptMatches(int pattern) { return promptMatches[pattern]; }
    @Override public int hourUtc() { return hourUtc; }
}
