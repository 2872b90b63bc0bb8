package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.trace.Outcome;

/**
 * A stage's "no" as a value: what the caller is to be told (the gateway's error in the provider's
 * shape) and how the exchange is recorded. Stages fill their exchange's one instance and hand it
 * on; only {@link ExchangeCompletion} writes the reply.
 */
public final class Refusal {
    GatewayError error;
    int status;
    String message;
    ErrorClass errorClass;
    Outcome outcome;
    long retryAfterSeconds;
    CharSequence allow;
    /** For OpenAI callers: the request parameter at fault, or {@code null}. */
    String param;

    Refusal set(GatewayError error, String message, ErrorClass errorClass, Outcome outcome) {
        this.error = error;
        this.status = error.status();
        this.message = message;
        this.errorClass = errorClass;
        this.outcome = outcome;
        this.retryAfterSeconds = 0;
        this.allow = null;
        this.param = null;
        return this;
    }

    /** Names the request parameter at fault (OpenAI's {@code error.param}). */
    Refusal param(String name) {
        this.param = name;
        return this;
    }

    /** A status other than the error kind's own (a deny rule's {@code status}). */
    Refusal status(int status) {
        this.status = status;
        return this;
    }

    /** Sent as {@code retry-after}, in whole seconds (at least 1). */
    Refusal retryAfterSeconds(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    /** Sent as {@code Allow} (a 405). */
    Refusal allow(CharSequence methods) {
        this.allow = methods;
        return this;
    }

    public GatewayError error() {
        return error;
    }

    public int status() {
        return status;
    }

    public ErrorClass errorClass() {
        return errorClass;
    }
}
