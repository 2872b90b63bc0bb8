package io.aegis.gateway.error;

/**
 * Every error the gateway can produce, with its HTTP status and the type each provider uses for it
 * (wire/README.md): Anthropic's {@code error.type}, Gemini's {@code error.status}, and OpenAI's
 * {@code error.type} for callers of the compatible endpoint.
 */
public enum GatewayError {
    BAD_REQUEST(400, "invalid_request_error", "INVALID_ARGUMENT", "invalid_request_error"),
    UNAUTHENTICATED(401, "authentication_error", "UNAUTHENTICATED", "authentication_error"),
    FORBIDDEN(403, "permission_error", "PERMISSION_DENIED", "permission_error"),
    NOT_FOUND(404, "not_found_error", "NOT_FOUND", "invalid_request_error"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "INVALID_ARGUMENT", "invalid_request_error"),
    REQUEST_TIMEOUT(408, "timeout_error", "DEADLINE_EXCEEDED", "invalid_request_error"),
    TOO_LARGE(413, "request_too_large", "INVALID_ARGUMENT", "invalid_request_error"),
    URI_TOO_LONG(414, "invalid_request_error", "INVALID_ARGUMENT", "invalid_request_error"),
    HEADERS_TOO_LARGE(431, "invalid_request_error", "INVALID_ARGUMENT", "invalid_request_error"),
    RATE_LIMITED(429, "rate_limit_error", "RESOURCE_EXHAUSTED", "rate_limit_error"),
    INTERNAL(500, "api_error", "INTERNAL", "api_error"),
    UPSTREAM_FAILED(502, "api_error", "UNAVAILABLE", "api_error"),
    UPSTREAM_UNAVAILABLE(503, "overloaded_error", "UNAVAILABLE", "api_error"),
    UPSTREAM_TIMEOUT(504, "timeout_error", "DEADLINE_EXCEEDED", "api_error");

    private final int status;
    private final String anthropicType;
    private final String geminiStatus;
    private final String openAiType;

    /** The error kind whose provider type fits an HTTP status a rule chose. */
    public static GatewayError forStatus(int status) {
        for (GatewayError error : values()) {
            if (error.status == status) {
                return error;
            }
        }
        return status >= 500 ? INTERNAL : status == 401 ? UNAUTHENTICATED : FORBIDDEN;
    }

    GatewayError(int status, String anthropicType, String geminiStatus, String openAiType) {
        this.status = status;
        this.anthropicType = anthropicType;
        this.geminiStatus = geminiStatus;
        this.openAiType = openAiType;
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

    /** OpenAI's {@code error.type} for the compatible endpoint. */
    public String openAiType() {
        return openAiType;
    }
}
