package io.aegis.gateway.proxy;

import io.aegis.cost.ModelPricing;
import io.aegis.cost.Reservation;
import io.aegis.gateway.cost.Admissions;
import io.aegis.gateway.cost.TenantCost;
import io.aegis.rules.Decision;
import io.aegis.trace.TraceEvent;
import io.aegis.rules.Rule;
import io.aegis.rules.RuleSet;
import io.aegis.gateway.auth.CallerIdentity;
import io.aegis.gateway.auth.Tenant;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.request.MessageText;
import io.aegis.gateway.request.RequestFacts;
import io.aegis.pii.Findings;
import io.aegis.wire.Provider;
import io.aegis.wire.Route;
import io.aegis.gateway.usage.ResponseUsageReader;
import io.aegis.gateway.usage.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One request and its response, from the first byte of the request to the last of the response.
 * One instance per client connection, refilled for each request (HTTP/1.1 handles one at a time), so
 * the request path allocates no per-request state object. Later stages read it through the getters
 * when {@link ExchangeListener#exchangeCompleted} is called.
 */
public final class Exchange {
    /** How an exchange ended. */
    public enum Outcome { COMPLETED, REJECTED, UPSTREAM_FAILED, CLIENT_CLOSED }

    // The trace event's codes, so that a finished exchange's values go into its event as they are;
    // SENT only lasts while a hedge races and never reaches an event.
    static final byte HEDGE_NONE = TraceEvent.HEDGE_NONE;
    static final byte HEDGE_LOST = TraceEvent.HEDGE_LOST;
    static final byte HEDGE_WON = TraceEvent.HEDGE_WON;
    static final byte HEDGE_SENT = 3;
    static final byte CIRCUIT_CLOSED = TraceEvent.CIRCUIT_CLOSED;
    static final byte CIRCUIT_HALF_OPEN = TraceEvent.CIRCUIT_HALF_OPEN;
    static final byte CIRCUIT_OPEN = TraceEvent.CIRCUIT_OPEN;
    /** The attempt log's bound, that of a trace event's text field. */
    static final int MAX_ATTEMPT_LOG = 256;

    final Route route = new Route();
    final CallerIdentity caller = new CallerIdentity();
    final RequestFacts facts = new RequestFacts();
    final TraceContext trace = new TraceContext();
    final ResponseUsageReader usageReader = new ResponseUsageReader();
    final MessageText messageText = new MessageText();
    final Findings piiFindings = new Findings();
    final StringBuilder blockedTypes = new StringBuilder();
    boolean[] redactTypes = new boolean[0];
    boolean redacted;

    /** The rule set that decided this request, and what it decided (indexes into its rules). */
    RuleSet ruleSet;
    int decidingRule = -1;
    int[] ruleActions = new int[4];
    int ruleActionCount;
    int[] shadowRules = new int[4];
    int shadowRuleCount;
    /** The model a route rule sent the request to, or {@code null}. */
    String routedModel;
    /** The config version whose rules decided this request (0 when rules never ran). */
    long configVersion;

    /** The prices the request is billed at (those of the model it was sent to). */
    ModelPricing pricing;
    /** The tenant's budget and limits, or {@code null}. */
    TenantCost tenantCost;
    /** This request's holds on its tenant's budget and on those of its model and key; settled in {@code finish}. */
    final Reservation reservation = new Reservation();
    final Reservation modelReservation = new Reservation();
    final Reservation keyReservation = new Reservation();
    /** The per-minute limits that admitted the request, to settle or give back. */
    final Admissions admissions = new Admissions();
    /** The cost settled for this request, in nano-dollars. */
    long costNanos;
    /** When the gateway was done with the request and asked for an upstream connection (0: never). */
    long upstreamRequestedNanos;
    /** This connection's trace event, filled and appended as each request completes. */
    final TraceEvent traceEvent = new TraceEvent();

    HttpVersion clientVersion;
    HttpHeaders requestHeaders;
    boolean keepAlive;
    ByteBuf body;
    GatewayError rejection;
    String rejectionMessage;
    CharSequence allowHeader;

    long acceptedNanos;
    long upstreamConnectedNanos;
    long firstByteNanos;
    long lastByteNanos;

    int attempts;
    /** Attempts that were retries (failover included; the stale-connection resend and the hedge not). */
    int retries;
    /** Hedging: none, sent (while racing), lost (the first attempt won), won (the hedge won). */
    byte hedge;
    /** The worst circuit met: closed, half open (this request was a probe), open (a target was skipped). */
    byte circuit;
    /** One entry per attempt: {@code [h]tTARGET/KEYID:RESULT}, bounded; key ids only, never keys. */
    final StringBuilder attemptLog = new StringBuilder(MAX_ATTEMPT_LOG);
    String upstream;
    boolean inFlight;
    boolean headSent;
    boolean eventStream;
    boolean readingUsage;
    int status;
    long responseBytes;
    Outcome outcome;
    String errorClass;

    /** Starts a new request on this connection. */
    void begin(long nowNanos, HttpVersion version, boolean keepAlive) {
        this.acceptedNanos = nowNanos;
        this.clientVersion = version;
        this.keepAlive = keepAlive;
        this.rejection = null;
        this.rejectionMessage = null;
        this.allowHeader = null;
        this.upstreamConnectedNanos = 0;
        this.firstByteNanos = 0;
        this.lastByteNanos = 0;
        this.attempts = 0;
        this.retries = 0;
        this.hedge = HEDGE_NONE;
        this.circuit = CIRCUIT_CLOSED;
        this.attemptLog.setLength(0);
        this.upstream = null;
        this.headSent = false;
        this.eventStream = false;
        this.readingUsage = false;
        this.status = 0;
        this.responseBytes = 0;
        this.outcome = null;
        this.errorClass = null;
        this.facts.reset(null, null, 0);
        this.usageReader.usage().reset();
        this.piiFindings.reset();
        this.redacted = false;
        this.ruleSet = null;
        this.decidingRule = -1;
        this.ruleActionCount = 0;
        this.shadowRuleCount = 0;
        this.routedModel = null;
        this.configVersion = 0;
        this.pricing = null;
        this.tenantCost = null;
        this.costNanos = 0;
        this.upstreamRequestedNanos = 0;
    }

    /** Keeps what {@code decision} (scratch shared by the loop's requests) says, for later stages. */
    void recordDecision(RuleSet rules, Decision decision) {
        ruleSet = rules;
        decidingRule = decision.decidingRule();
        if (ruleActions.length < decision.actionCount()) {
            ruleActions = new int[decision.actionCount()];
        }
        ruleActionCount = decision.actionCount();
        for (int i = 0; i < ruleActionCount; i++) {
            ruleActions[i] = decision.action(i);
        }
        if (shadowRules.length < decision.shadowCount()) {
            shadowRules = new int[decision.shadowCount()];
        }
        shadowRuleCount = decision.shadowCount();
        for (int i = 0; i < shadowRuleCount; i++) {
            shadowRules[i] = decision.shadow(i);
        }
    }

    boolean[] redactTypes(int types) {
        if (redactTypes.length != types) {
            redactTypes = new boolean[types];
        }
        return redactTypes;
    }

    void reject(GatewayError error, String message) {
        if (rejection == null) {
            rejection = error;
            rejectionMessage = message;
        }
    }

    void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    public Provider provider() {
        return route.provider();
    }

    public Route route() {
        return route;
    }

    public RequestFacts facts() {
        return facts;
    }

    /** The authenticated tenant, or {@code null} when the request was refused before that. */
    public Tenant tenant() {
        return caller.tenant();
    }

    public String traceId() {
        return trace.traceId();
    }

    public String spanId() {
        return trace.spanId();
    }

    /** The HTTP status the caller received (200 for a stream that later failed in-stream). */
    public int status() {
        return status;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** A short class of error (e.g. {@code upstream_reset}, {@code not_found}), or {@code null}. */
    public String errorClass() {
        return errorClass;
    }

    /** PII found in the request's message text (types and positions; never the text). */
    /** The rule set that decided this request, or {@code null} when it ended before rules ran. */
    public RuleSet ruleSet() {
        return ruleSet;
    }

    /** The rule that allowed or denied it, or {@code null} when none did (allowed by default). */
    public Rule decidingRule() {
        return ruleSet == null || decidingRule < 0 ? null : ruleSet.rules().get(decidingRule);
    }

    /** How many accumulating rules (redact, route, tag, sample, limit) applied, in file order. */
    public int ruleActionCount() {
        return ruleActionCount;
    }

    public Rule ruleAction(int i) {
        return ruleSet.rules().get(ruleActions[i]);
    }

    /** How many shadow rules matched: what they would have done is recorded, nothing was done. */
    public int shadowRuleCount() {
        return shadowRuleCount;
    }

    public Rule shadowRule(int i) {
        return ruleSet.rules().get(shadowRules[i]);
    }

    /** What the request cost, in nano-dollars (0 until it completes, and when nothing was billed). */
    public long costNanos() {
        return costNanos;
    }

    /** The prices it was billed at; {@link ModelPricing#known()} is false when its model is not in the table. */
    public ModelPricing pricing() {
        return pricing;
    }

    /** The model a route rule sent this request to, or {@code null}. */
    public String routedModel() {
        return routedModel;
    }

    public Findings piiFindings() {
        return piiFindings;
    }

    /** True when the forwarded body had values redacted. */
    public boolean redacted() {
        return redacted;
    }

    public Usage usage() {
        return usageReader.usage();
    }

    public int attempts() {
        return attempts;
    }

    public int retries() {
        return retries;
    }

    /** {@code none}, {@code lost} (a hedge was sent and the first attempt won) or {@code won}. */
    public String hedge() {
        return hedge == HEDGE_NONE ? "none" : hedge == HEDGE_WON ? "won" : "lost";
    }

    /** {@code closed}, {@code half_open} (this request was a probe) or {@code open} (a target was skipped). */
    public String circuit() {
        return circuit == CIRCUIT_CLOSED ? "closed" : circuit == CIRCUIT_HALF_OPEN ? "half_open" : "open";
    }

    /** Each attempt as {@code [h]tTARGET/KEYID:RESULT}, space-separated (key ids only). */
    public CharSequence attemptLog() {
        return attemptLog;
    }

    /** The upstream origin used ({@code scheme://host:port}), or {@code null}. */
    public String upstream() {
        return upstream;
    }

    public boolean eventStream() {
        return eventStream;
    }

    public long responseBytes() {
        return responseBytes;
    }

    public long acceptedNanos() {
        return acceptedNanos;
    }

    /** 0 when no upstream connection was made. */
    public long upstreamConnectedNanos() {
        return upstreamConnectedNanos;
    }

    /** 0 when no response byte came from upstream. */
    public long firstByteNanos() {
        return firstByteNanos;
    }

    /** When the gateway asked for an upstream connection, or 0 when the request never went upstream. */
    public long upstreamRequestedNanos() {
        return upstreamRequestedNanos;
    }

    public long lastByteNanos() {
        return lastByteNanos;
    }
}
