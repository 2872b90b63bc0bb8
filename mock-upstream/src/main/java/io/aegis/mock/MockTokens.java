package io.aegis.mock;

import com.fasterxml.jackson.databind.JsonNode;
import io.aegis.wire.Provider;

/** The mock's token counting, for tests that hold the gateway's estimates against it. */
public final class MockTokens {
    private MockTokens() {
    }

    /** The prompt tokens the mock bills for {@code body} (four characters a token per text block, rounded up). */
    public static long inputTokens(Provider provider, JsonNode body) {
        return MockConversation.of(provider, body, false, -1).inputTokens;
    }
}
