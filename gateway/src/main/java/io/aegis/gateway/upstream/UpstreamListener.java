package io.aegis.gateway.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/** Receives one upstream response, in order; implemented by the exchange that sent the request. */
public interface UpstreamListener {
    /** The response head arrived. */
    void upstreamHead(HttpResponse head);

    /** A body chunk arrived; the listener owns it and must release or pass it on. */
    void upstreamContent(HttpContent content);

    /** The upstream channel finished one read batch: a good moment to flush and ask for more. */
    void upstreamReadComplete();

    /** The connection failed or closed before the response was complete. */
    void upstreamFailed(Throwable cause);
}
