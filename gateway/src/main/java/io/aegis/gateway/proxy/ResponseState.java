package io.aegis.gateway.proxy;

import io.aegis.gateway.answer.AnswerRewriter;
import io.aegis.gateway.answer.AnswerScan;
import io.aegis.gateway.usage.ResponseUsageReader;
import io.netty.handler.codec.http.HttpResponse;
import io.aegis.gateway.usage.Usage;

/** The answer the caller is getting: its status, whether its head went out, and its usage read on the side. */
public final class ResponseState {
    final ResponseUsageReader usageReader = new ResponseUsageReader();
    /** The tenant's answer policy at work on this answer (PII found, placeholders restored). */
    final AnswerScan answerScan = new AnswerScan();
    final AnswerRewriter rewriter = new AnswerRewriter();
    /** True while the policy stage asked for the answer to be rewritten (a 2xx answer then is). */
    boolean answerPolicy;
    /** True while the answer's body passes through {@link #rewriter}. */
    boolean rewriting;
    /** For OpenAI callers: the native answer into Chat Completions, after the answer policy's rewriting. */
    final io.aegis.gateway.openai.ChatAnswerTranslator translator = new io.aegis.gateway.openai.ChatAnswerTranslator();
    boolean translating;
    /** A whole body's head, held until the rewritten body's length is known. */
    HttpResponse heldHead;
    /** The HTTP status the caller received (200 for a stream that later failed in-stream). */
    int status;
    boolean headSent;
    boolean eventStream;
    boolean readingUsage;
    long bytes;

    void reset() {
        status = 0;
        headSent = false;
        eventStream = false;
        readingUsage = false;
        answerPolicy = false;
        rewriting = false;
        translating = false;
        heldHead = null;
        bytes = 0;
        usageReader.usage().reset();
    }

    /** Ends usage reading (the answer ended, or broke off: the best count seen is kept). */
    void finishUsage() {
        if (readingUsage) {
            usageReader.finish();
        }
    }

    public int status() {
        return status;
    }

    public boolean headSent() {
        return headSent;
    }

    public boolean eventStream() {
        return eventStream;
    }

    public long bytes() {
        return bytes;
    }

    /** What the answer policy found and did (zero counts when the tenant's answers are not scanned). */
    public AnswerScan answerScan() {
        return answerScan;
    }

    public Usage usage() {
        return usageReader.usage();
    }
}
