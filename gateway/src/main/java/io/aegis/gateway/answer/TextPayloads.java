package io.aegis.gateway.answer;

/**
 * The text of one provider's answer payloads: which strings are answer text, and what happens at
 * the boundaries of a text. Implementations rewrite one payload at a time into a {@link ByteSink},
 * and may ask for payloads of their own (a text's held-back end) to go out before it.
 */
interface TextPayloads {
    /** Receives payloads made up by the rewriter, to go out before the payload being rewritten. */
    interface Extra {
        /** A payload; {@code eventName} for an SSE {@code event:} line, or {@code null}. */
        void payload(String eventName, ByteSink json);
    }

    /**
     * Rewrites {@code payload[offset, offset + length)} into {@code out}; false when it stays as it
     * came (then {@code out} is not used). Payloads of its own go to {@code extra} first.
     */
    boolean rewrite(byte[] payload, int offset, int length, ByteSink out, Extra extra);

    /** The answer ended: the held-back ends of open texts go to {@code extra}. */
    void finish(Extra extra);
}
