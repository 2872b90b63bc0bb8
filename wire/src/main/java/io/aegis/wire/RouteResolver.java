package io.aegis.wire;

import io.netty.handler.codec.http.HttpMethod;

/**
 * Resolves a request line to a {@link Route}. Anthropic's {@code /v1/messages} and Gemini's
 * {@code /v1/models/{m}:method} share the {@code /v1} root; the {@code :method} suffix tells them apart.
 */
public final class RouteResolver {
    /** The outcome of {@link #resolve}. */
    public enum Outcome { ROUTED, NOT_FOUND, METHOD_NOT_ALLOWED }

    private static final String OPENAI_PREFIX = "/openai";

    private static final String ANTHROPIC_PREFIX = "/anthropic";
    private static final String GEMINI_PREFIX = "/gemini";

    private RouteResolver() {
    }

    /** Fills {@code route} for {@code method} and {@code uri}; on failure the route keeps the likely provider. */
    public static Outcome resolve(HttpMethod method, String uri, Route route) {
        int queryStart = uri.indexOf('?');
        int pathEnd = queryStart < 0 ? uri.length() : queryStart;
        String query = queryStart < 0 || queryStart == uri.length() - 1 ? null : uri.substring(queryStart + 1);

        // OpenAI's endpoints, at the SDKs' base URL /v1 (or under /openai): the model in the body picks the provider.
        int openAiStart = startsWithSegment(uri, pathEnd, OPENAI_PREFIX) ? OPENAI_PREFIX.length() : 0;
        if (uri.regionMatches(openAiStart, "/v1/chat/completions", 0, 20) && pathEnd == openAiStart + 20) {
            route.setOpenAi(Route.OpenAiEndpoint.CHAT_COMPLETIONS, query);
            return HttpMethod.POST.equals(method) ? Outcome.ROUTED : Outcome.METHOD_NOT_ALLOWED;
        }
        if (uri.regionMatches(openAiStart, "/v1/models", 0, 10) && pathEnd == openAiStart + 10) {
            route.setOpenAi(Route.OpenAiEndpoint.MODELS, query);
            return HttpMethod.GET.equals(method) ? Outcome.ROUTED : Outcome.METHOD_NOT_ALLOWED;
        }

        Provider forced = null;
        int pathStart = 0;
        if (startsWithSegment(uri, pathEnd, ANTHROPIC_PREFIX)) {
            forced = Provider.ANTHROPIC;
            pathStart = ANTHROPIC_PREFIX.length();
        } else if (startsWithSegment(uri, pathEnd, GEMINI_PREFIX)) {
            forced = Provider.GEMINI;
            pathStart = GEMINI_PREFIX.length();
        }
        String path = uri.substring(pathStart, pathEnd);

        Operation operation = null;
        String model = null;
        if (path.equals("/v1/messages")) {
            operation = Operation.ANTHROPIC_MESSAGES;
        } else if (path.equals("/v1/messages/count_tokens")) {
            operation = Operation.ANTHROPIC_COUNT_TOKENS;
        } else {
            int modelsStart = geminiModelsStart(path);
            if (modelsStart > 0) {
                int colon = path.lastIndexOf(':');
                if (colon > modelsStart && isModelId(path, modelsStart, colon)) {
                    operation = Operation.geminiMethod(path, colon + 1, path.length());
                    model = path.substring(modelsStart, colon);
                }
            }
        }

        if (operation == null || (forced != null && operation.provider() != forced)) {
            route.clear(forced != null ? forced : likelyProvider(path));
            return Outcome.NOT_FOUND;
        }
        route.set(operation, model, path, query);
        if (!HttpMethod.POST.equals(method)) {
            return Outcome.METHOD_NOT_ALLOWED;
        }
        return Outcome.ROUTED;
    }

    /** Index just after {@code /v1beta/models/} or {@code /v1/models/}, or -1. */
    private static int geminiModelsStart(String path) {
        if (path.startsWith("/v1beta/models/")) {
            return "/v1beta/models/".length();
        }
        if (path.startsWith("/v1/models/")) {
            return "/v1/models/".length();
        }
        return -1;
    }

    /**
     * Model ids are letters, digits, '.', '_' and '-', not starting with '.': anything else (slashes,
     * percent escapes, "..") never reaches an upstream path.
     */
    private static boolean isModelId(String path, int from, int to) {
        if (path.charAt(from) == '.') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithSegment(String uri, int pathEnd, String prefix) {
        return uri.startsWith(prefix) && (pathEnd == prefix.length() || uri.charAt(prefix.length()) == '/');
    }

    private static Provider likelyProvider(String path) {
        return path.indexOf(':') >= 0 || path.startsWith("/v1beta") ? Provider.GEMINI : Provider.ANTHROPIC;
    }
}
