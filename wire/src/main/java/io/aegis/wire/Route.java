package io.aegis.wire;

/**
 * Where one request goes: provider, operation, the path to send upstream and the query string.
 * One instance lives per client connection and is refilled for each request.
 */
public final class Route {
    private Provider provider;
    private Operation operation;
    private String pathModel;
    private String upstreamPath;
    private String query;
    private boolean wantsSse;
    private CallerApi api = CallerApi.ANTHROPIC;
    /** For OpenAI calls: the OpenAI endpoint asked for, until the translation routes it to a provider. */
    private OpenAiEndpoint openAiEndpoint;

    /** The OpenAI endpoints: chat completions (translated and sent upstream) and the model list (answered here). */
    public enum OpenAiEndpoint { CHAT_COMPLETIONS, MODELS }

    void set(Operation operation, String pathModel, String upstreamPath, String query) {
        this.api = CallerApi.of(operation.provider());
        this.openAiEndpoint = null;
        this.operation = operation;
        this.provider = operation.provider();
        this.pathModel = pathModel;
        this.upstreamPath = upstreamPath;
        this.query = query;
        this.wantsSse = query != null && hasParam(query, "alt", "sse");
    }

    /**
     * An OpenAI endpoint: no provider until the body's model names one ({@link #translated}); its
     * errors are OpenAI's.
     */
    void setOpenAi(OpenAiEndpoint endpoint, String query) {
        clear(Provider.ANTHROPIC);
        this.api = CallerApi.OPENAI;
        this.openAiEndpoint = endpoint;
        this.query = query;
    }

    /**
     * An OpenAI call translated to {@code operation}'s provider: from here on it is routed like a
     * native request to {@code upstreamPath} (with {@code query}), and still answers as OpenAI.
     */
    public void translated(Operation operation, String pathModel, String upstreamPath, String query) {
        this.operation = operation;
        this.provider = operation.provider();
        this.pathModel = pathModel;
        this.upstreamPath = upstreamPath;
        this.query = query;
        this.wantsSse = query != null && hasParam(query, "alt", "sse");
    }

    /** The API the caller speaks. */
    public CallerApi api() {
        return api;
    }

    /** The OpenAI endpoint, or {@code null} for a provider's own API. */
    public OpenAiEndpoint openAiEndpoint() {
        return openAiEndpoint;
    }

    /** Marks the route unresolved, answering in {@code likelyProvider}'s error shape. */
    public void clear(Provider likelyProvider) {
        this.api = CallerApi.of(likelyProvider);
        this.openAiEndpoint = null;
        this.operation = null;
        this.provider = likelyProvider;
        this.pathModel = null;
        this.upstreamPath = null;
        this.query = null;
        this.wantsSse = false;
    }

    /** The provider; for an unresolved path, the provider whose error shape fits the path best. */
    public Provider provider() {
        return provider;
    }

    /** The operation, or {@code null} when the path was not resolved. */
    public Operation operation() {
        return operation;
    }

    /** Sends a path-model request (Gemini) to {@code model} instead: the upstream path names it. */
    public void routeToModel(String model) {
        int at = upstreamPath.indexOf("/models/" + pathModel + ":");
        if (at >= 0) {
            int from = at + "/models/".length();
            upstreamPath = upstreamPath.substring(0, from) + model + upstreamPath.substring(from + pathModel.length());
            pathModel = model;
        }
    }

    /** The model named in the path (Gemini), or {@code null}. */
    public String pathModel() {
        return pathModel;
    }

    /** The provider path without any Aegis prefix and without the query, e.g. {@code /v1/messages}. */
    public String upstreamPath() {
        return upstreamPath;
    }

    /** The raw query string without {@code ?}, or {@code null}. */
    public String query() {
        return query;
    }

    /** True when the caller asked Gemini for server-sent events ({@code alt=sse}). */
    public boolean wantsSse() {
        return wantsSse;
    }

    static boolean hasParam(String query, String name, String value) {
        int from = 0;
        while (from <= query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', from);
            if (eq > from && eq < end
                    && query.regionMatches(from, name, 0, name.length()) && eq - from == name.length()
                    && query.regionMatches(eq + 1, value, 0, value.length()) && end - eq - 1 == value.length()) {
                return true;
            }
            if (amp < 0) {
                return false;
            }
            from = amp + 1;
        }
        return false;
    }
}
