package io.aegis.gateway.error;

/**
 * Every error the gateway can produce, with its HTTP status and the type each provider uses for it
 * (wire/README.md): Anthropic's {@code error.type} and Gemini's {@code error.status}.
 */
public enum GatewayError {
    BAD_REQUEST(400, "invalid_request_error", "INVALID_ARGUMENT"),
    UNAUTHENTICATED(401, "authentication_error", "UNAUTHENTICATED"),
    FORBIDDEN(403, "permission_error", "PERMISSION_DENIED"),
    NOT_FOUND(404, "not_found_error", "NOT_FOUND"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "INVALID_ARGUMENT"),
    REQUEST_TIMEOUT(408, "timeout_error", "DEADLINE_EXCEEDED"),
    TOO_LARGE(413, "request_too_large", "INVALID_ARGUMENT"),
    URI_TOO_LONG(414, "invalid_request_error", "INVALID_ARGUMENT"),
    HEADERS_TOO_LARGE(431, "invalid_request_error", "INVALID_ARGUMENT"),
    RATE_LIMITED(429, "rate_limit_error", "RESOURCE_EXHAUSTED"),
    INTERNAL(500, "api_error", "INTERNAL"),
    UPSTREAM_FAILED(502, "api_error", "UNAVAILABLE"),
    UPSTREAM_UNAVAILABLE(503, "overloaded_error", "UNAVAILABLE"),
    UPSTREAM_TIMEOUT(504, "timeout_error", "DEADLINE_EXCEEDED");

    private final int status;
    private final String anthropicType;
    private final String geminiStatus;

    /** The error kind whose provider type fits an HTTP status a rule chose. */
    public static GatewayError forStatus(int status) {
        for (GatewayError error : values()) {
            if (error.status == status) {
                return error;
            }
        }
        return status >= 500 ? INTERNAL : status == 401 ? UNAUTHENTICATED : FORBIDDEN;
    }

    GatewayError(int status, String anthropicType, String geminiStatus) {
        this.status = status;
        this.anthropicType = anthropicType;
        this.geminiStatus = geminiStatus;
    }

    public int status() {
        return status;
    }

    public String anthropicType() {
        return anthropicType;
    }

    public String geminiStatus() {
        return geminiStatus;
    }
}
