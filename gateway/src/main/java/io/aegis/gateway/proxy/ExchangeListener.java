package io.aegis.gateway.proxy;

/**
 * Told about every finished exchange, on the event loop that ran it. Implementations must not block
 * and must copy what they keep: the exchange is reused for the connection's next request.
 */
@FunctionalInterface
public interface ExchangeListener {
    ExchangeListener NONE = exchange -> { };

    void exchangeCompleted(Exchange exchange);
}
