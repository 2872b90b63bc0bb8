package io.aegis.gateway.openai;

import io.aegis.wire.Provider;

/**
 * What an OpenAI call asked for that the answer must honour: the model name to answer with, the
 * provider it went to, whether it streams and wants a usage chunk, and how many choices. One per
 * connection, reset per request.
 */
public final class OpenAiCall {
    Provider provider;
    /** The native model the request went to. */
    String model;
    boolean stream;
    boolean includeUsage;
    int choices = 1;
    /** Whether a JSON answer was asked for through a forced tool (Anthropic has no JSON mode). */
    boolean jsonThroughTool;
    long createdEpochSeconds;

    public void reset() {
        provider = null;
        model = null;
        stream = false;
        includeUsage = false;
        choices = 1;
        jsonThroughTool = false;
        createdEpochSeconds = 0;
    }

    public Provider provider() {
        return provider;
    }

    public boolean stream() {
        return stream;
    }

    public String model() {
        return model;
    }
}
