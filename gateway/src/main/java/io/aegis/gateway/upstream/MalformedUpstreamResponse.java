package io.aegis.gateway.upstream;

import java.io.IOException;

/** The upstream sent bytes that are not a valid HTTP response. */
public final class MalformedUpstreamResponse extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedUpstreamResponse(Throwable cause) {
        super("malformed upstream response", cause);
    }
}
