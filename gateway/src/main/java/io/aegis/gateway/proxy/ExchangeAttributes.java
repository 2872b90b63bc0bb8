package io.aegis.gateway.proxy;

import io.aegis.cost.ModelPricing;
import io.aegis.cost.Price;
import io.aegis.gateway.cost.CostControls;
import io.aegis.gateway.cost.TenantCost;
import io.aegis.gateway.rules.ActiveRules;
import io.aegis.rules.RequestView;
import java.nio.charset.StandardCharsets;

/**
 * One connection's exchange as rule attributes (rules/README.md). Everything is read from state the
 * exchange already holds; only {@code prompt.matches} decodes the message text to a string, and
 * only for rule sets that use it, once per request.
 */
final class ExchangeAttributes implements RequestView {
    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private static final double NANOS_PER_USD = 1e9;

    private final Exchange exchange;
    private final CostControls costs;
    private String clientIp = "";
    private ActiveRules.Version version;
    private boolean[] promptMatches = new boolean[0];
    private boolean promptScanned;

    ExchangeAttributes(Exchange exchange, CostControls costs) {
        this.exchange = exchange;
        this.costs = costs;
    }

    /** The connection's peer address, set once per connection. */
    void clientIp(String ip) {
        this.clientIp = ip == null ? "" : ip;
    }

    /** Prepares for one evaluation under {@code version}. */
    ExchangeAttributes of(ActiveRules.Version version) {
        this.version = version;
        this.promptScanned = false;
        return this;
    }

    @Override
    public String provider() {
        return exchange.route.provider().configName();
    }

    @Override
    public String model() {
        String model = exchange.facts.model();
        return model == null ? "" : model;
    }

    @Override
    public String tenant() {
        return exchange.tenant() == null ? "" : exchange.tenant().id();
    }

    @Override
    public String keyId() {
        return exchange.tenant() == null || exchange.tenant().keyId() == null ? "" : exchange.tenant().keyId();
    }

    @Override
    public String path() {
        return exchange.route.upstreamPath();
    }

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public boolean stream() {
        return exchange.facts.stream();
    }

    @Override
    public String header(String lowerCaseName) {
        return exchange.requestHeaders.get(lowerCaseName);
    }

    @Override
    public String clientIp() {
        return clientIp;
    }

    @Override
    public long inputTokens() {
        return exchange.facts.estimatedInputTokens();
    }

    @Override
    public long maxOutputTokens() {
        return exchange.facts.maxOutputTokens();
    }

    /** Estimated prompt tokens at the input price plus the output cap at the output price. */
    @Override
    public double costEstimateUsd() {
        ModelPricing pricing = costs.pricing().of(exchange.facts.model());
        long input = inputTokens();
        long output = maxOutputTokens() > 0 ? maxOutputTokens() : pricing.maxOutputTokens();
        Price price = pricing.priceFor(input);
        return (input * price.inputNanos() + output * price.outputNanos()) / NANOS_PER_USD;
    }

    /** The tighter of the tenant's day and month windows; 1 for a tenant without a budget. */
    @Override
    public double budgetRemainingFraction() {
        TenantCost tenant = costs.tenant(tenant());
        return tenant == null || tenant.budget() == null ? 1
                : tenant.budget().remainingFraction(System.currentTimeMillis());
    }

    @Override
    public int piiCount(int piiType) {
        return exchange.policy.piiFindings.count(piiType);
    }

    @Override
    public boolean promptMatches(int pattern) {
        if (!promptScanned) {
            promptScanned = true;
            int count = version.promptPatterns().length;
            if (promptMatches.length < count) {
                promptMatches = new boolean[count];
            }
            String text = exchange.facts.textSpanCount() == 0 ? ""
                    : new String(exchange.policy.messageText.bytes(), 0, exchange.policy.messageText.length(), StandardCharsets.UTF_8);
            for (int i = 0; i < count; i++) {
                promptMatches[i] = version.promptPatterns()[i].matcher(text).find();
            }
        }
        return promptMatches[pattern];
    }

    @Override
    public int hourUtc() {
        return (int) ((System.currentTimeMillis() / MILLIS_PER_HOUR) % 24);
    }
}
