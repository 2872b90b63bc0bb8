package io.aegis.gateway.proxy;

import io.aegis.gateway.auth.CallerIdentity;
import io.aegis.gateway.auth.Tenant;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.request.RequestFacts;
import io.aegis.gateway.upstream.ProviderUpstream;
import io.aegis.gateway.usage.Usage;
import io.aegis.trace.Outcome;
import io.aegis.wire.Provider;
import io.aegis.wire.Route;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;

/**
 * One request and its response, from the first byte of the request to the last of the response.
 * One instance per client connection, refilled for each request (HTTP/1.1 handles one at a time), so
 * the request path allocates no per-request state object. Each stage writes its own group: the
 * request as read, the {@link PolicyRecord}, the {@link CostHold}, the {@link AttemptRecord}, the
 * {@link ResponseState} and the {@link ExchangeTimings}; the outcome is set once, by
 * {@link ExchangeCompletion}. {@link ExchangeListener}s read it through the getters.
 */
public final class Exchange {
    // The request as read.
    final Route route = new Route();
    final CallerIdentity caller = new CallerIdentity();
    final RequestFacts facts = new RequestFacts();
    final TraceContext trace = new TraceContext();
    HttpVersion clientVersion;
    HttpHeaders requestHeaders;
    boolean keepAlive;
    ByteBuf body;
    /** The configured provider the route names, once the request was read and checked. */
    ProviderUpstream upstreamProvider;
    /** For an OpenAI caller: what its call asked for that the answer must honour. */
    final io.aegis.gateway.openai.OpenAiCall openAi = new io.aegis.gateway.openai.OpenAiCall();

    final PolicyRecord policy = new PolicyRecord();
    final CostHold cost = new CostHold();
    final AttemptRecord attempts = new AttemptRecord();
    final ResponseState response = new ResponseState();
    final ExchangeTimings timings = new ExchangeTimings();

    /** A stage's refusal, when one refused; {@link #refused} says whether it is set. */
    private final Refusal refusal = new Refusal();
    private boolean refused;

    /** True from the whole request read until the exchange finished. */
    boolean inFlight;
    Outcome outcome;
    ErrorClass errorClass;

    /** Starts a new request on this connection. */
    void begin(long nowNanos, HttpVersion version, boolean keepAlive) {
        this.clientVersion = version;
        this.keepAlive = keepAlive;
        this.upstreamProvider = null;
        this.refused = false;
        this.outcome = null;
        this.errorClass = null;
        this.facts.reset(null, null, 0);
        this.openAi.reset();
        this.policy.reset();
        this.cost.reset();
        this.attempts.reset();
        this.response.reset();
        this.timings.reset(nowNanos);
    }

    /** Refuses the request (as rejected), unless an earlier check already did; returns the refusal. */
    Refusal refuse(GatewayError error, String message, ErrorClass errorClass) {
        return refuse(error, message, errorClass, Outcome.REJECTED);
    }

    /** The same, recording another outcome (an upstream that could not be used). */
    Refusal refuse(GatewayError error, String message, ErrorClass errorClass, Outcome outcome) {
        if (!refused) {
            refused = true;
            refusal.set(error, message, errorClass, outcome);
        }
        return refusal;
    }

    /** Forgets a refusal a stage will try again (a fleet budget waiting for its lease). */
    void clearRefusal() {
        refused = false;
    }

    /** Replaces any earlier refusal: a problem that ends the connection outranks one that would not. */
    Refusal refuseInstead(GatewayError error, String message, ErrorClass errorClass) {
        refused = false;
        return refuse(error, message, errorClass);
    }

    /** The refusal a stage set, or {@code null}. */
    Refusal refusal() {
        return refused ? refusal : null;
    }

    /** Once the gateway drains, every response is the last on its connection. */
    void endKeepAliveIf(boolean draining) {
        if (draining) {
            keepAlive = false;
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

    public PolicyRecord policy() {
        return policy;
    }

    public CostHold cost() {
        return cost;
    }

    public AttemptRecord attempts() {
        return attempts;
    }

    public ResponseState response() {
        return response;
    }

    public ExchangeTimings timings() {
        return timings;
    }

    /** The HTTP status the caller received (200 for a stream that later failed in-stream). */
    public int status() {
        return response.status;
    }

    public Usage usage() {
        return response.usage();
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Why the exchange ended in an error, or {@code null} (an upstream error passed on as it came has none). */
    public ErrorClass errorClass() {
        return errorClass;
    }
}
