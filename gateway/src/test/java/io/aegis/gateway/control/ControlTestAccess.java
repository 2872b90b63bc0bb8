package io.aegis.gateway.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.aegis.gateway.testing.TestGateway;

/** The control API as an operator reads it, for tests in other packages. */
public final class ControlTestAccess {
    private ControlTestAccess() {
    }

    /** {@code GET /v1/usage?tenant=}. */
    public static JsonNode usage(TestGateway gateway, String tenant) throws Exception {
        return ControlClient.json(new ControlClient(gateway).admin("GET", "/v1/usage?tenant=" + tenant, null));
    }

    /** {@code GET /metrics}. */
    public static String metrics(TestGateway gateway) throws Exception {
        return new ControlClient(gateway).admin("GET", "/metrics", null).body();
    }

    /** {@code GET /v1/dashboard}. */
    public static JsonNode dashboard(TestGateway gateway) throws Exception {
        return ControlClient.json(new ControlClient(gateway).admin("GET", "/v1/dashboard", null));
    }
}
