package io.aegis.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteResolverTest {
    private final Route route = new Route();

    @ParameterizedTest
    @CsvSource({
        "/v1/messages, ANTHROPIC_MESSAGES, /v1/messages, ",
        "/v1/messages?beta=true, ANTHROPIC_MESSAGES, /v1/messages, ",
        "/anthropic/v1/messages/count_tokens, ANTHROPIC_COUNT_TOKENS, /v1/messages/count_tokens, ",
        "/v1beta/models/gemini-2.5-flash:generateContent, GEMINI_GENERATE_CONTENT, /v1beta/models/gemini-2.5-flash:generateContent, gemini-2.5-flash",
        "/v1/models/gemini-2.5-pro:streamGenerateContent?alt=sse, GEMINI_STREAM_GENERATE_CONTENT, /v1/models/gemini-2.5-pro:streamGenerateContent, gemini-2.5-pro",
        "/gemini/v1beta/models/text-embedding-004:embedContent, GEMINI_EMBED_CONTENT, /v1beta/models/text-embedding-004:embedContent, text-embedding-004",
        "/v1beta/models/text-embedding-004:batchEmbedContents, GEMINI_BATCH_EMBED_CONTENTS, /v1beta/models/text-embedding-004:batchEmbedContents, text-embedding-004",
        "/v1beta/models/gemini-2.0-flash:countTokens, GEMINI_COUNT_TOKENS, /v1beta/models/gemini-2.0-flash:countTokens, gemini-2.0-flash",
    })
    void routesEveryServedPath(String uri, Operation operation, String upstreamPath, String model) {
        assertEquals(RouteResolver.Outcome.ROUTED, RouteResolver.resolve(HttpMethod.POST, uri, route));
        assertEquals(operation, route.operation());
        assertEquals(operation.provider(), route.provider());
        assertEquals(upstreamPath, route.upstreamPath());
        assertEquals(model, route.pathModel());
    }

    @Test
    void keepsTheQueryAndSeesAltSse() {
        RouteResolver.resolve(HttpMethod.POST, "/v1beta/models/m:streamGenerateContent?key=k&alt=sse", route);
        assertEquals("key=k&alt=sse", route.query());
        assertTrue(route.wantsSse());
        RouteResolver.resolve(HttpMethod.POST, "/v1beta/models/m:streamGenerateContent?alt=ssex", route);
        assertFalse(route.wantsSse());
        RouteResolver.resolve(HttpMethod.POST, "/v1/messages", route);
        assertNull(route.query());
    }

    @ParameterizedTest
    @CsvSource({
        "/v1/messages/batches, ANTHROPIC",
        "/v1/models/x, ANTHROPIC",
        "/v1/chat/completionsx, ANTHROPIC",
        "/v1beta/models/m:unknownMethod, GEMINI",
        "/v1beta/models/a/b:generateContent, GEMINI",
        "/v1beta/models/:generateContent, GEMINI",
        "/v1beta/models/..:generateContent, GEMINI",
        "/v1beta/models/gemini%2F..%2Fx:generateContent, GEMINI",
        "/v1beta/models/gemini 2:generateContent, GEMINI",
        "/anthropicx/v1/messages, ANTHROPIC",
        "/gemini/v1/messages, GEMINI",
        "/anthropic/v1beta/models/m:generateContent, ANTHROPIC",
        "/, ANTHROPIC",
    })
    void unknownPathsAreNotFoundWithTheLikelyProvider(String uri, Provider likely) {
        assertEquals(RouteResolver.Outcome.NOT_FOUND, RouteResolver.resolve(HttpMethod.POST, uri, route));
        assertEquals(likely, route.provider());
        assertNull(route.operation());
    }

    @Test
    void openAisEndpointsWaitForTheBodyToNameTheProvider() {
        assertEquals(RouteResolver.Outcome.ROUTED, RouteResolver.resolve(HttpMethod.POST, "/v1/chat/completions", route));
        assertEquals(CallerApi.OPENAI, route.api());
        assertEquals(Route.OpenAiEndpoint.CHAT_COMPLETIONS, route.openAiEndpoint());
        assertNull(route.operation(), "no provider until the model is read");
        assertEquals(RouteResolver.Outcome.ROUTED, RouteResolver.resolve(HttpMethod.GET, "/openai/v1/models?x=1", route));
        assertEquals(Route.OpenAiEndpoint.MODELS, route.openAiEndpoint());
        assertEquals(RouteResolver.Outcome.METHOD_NOT_ALLOWED,
                RouteResolver.resolve(HttpMethod.GET, "/v1/chat/completions", route));
        assertEquals(RouteResolver.Outcome.METHOD_NOT_ALLOWED, RouteResolver.resolve(HttpMethod.POST, "/v1/models", route));

        route.translated(Operation.GEMINI_STREAM_GENERATE_CONTENT, "gemini-2.5-flash",
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "alt=sse");
        assertEquals(Provider.GEMINI, route.provider());
        assertTrue(route.wantsSse());
        assertEquals(CallerApi.OPENAI, route.api(), "still answered as OpenAI");

        assertEquals(RouteResolver.Outcome.ROUTED, RouteResolver.resolve(HttpMethod.POST, "/v1/messages", route));
        assertEquals(CallerApi.ANTHROPIC, route.api());
        assertNull(route.openAiEndpoint());
    }

    @Test
    void onlyPostIsAllowed() {
        assertEquals(RouteResolver.Outcome.METHOD_NOT_ALLOWED,
                RouteResolver.resolve(HttpMethod.GET, "/v1/messages", route));
        assertEquals(Provider.ANTHROPIC, route.provider());
        assertEquals(RouteResolver.Outcome.METHOD_NOT_ALLOWED,
                RouteResolver.resolve(HttpMethod.PUT, "/v1beta/models/m:generateContent", route));
        assertEquals(Provider.GEMINI, route.provider());
    }
}
