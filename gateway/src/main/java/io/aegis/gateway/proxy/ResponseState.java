package io.aegis.gateway.proxy;

import io.aegis.gateway.usage.ResponseUsageReader;
import io.aegis.gateway.usage.Usage;

/** The answer the caller is getting: its status, whether its head went out, and its usage read on the side. */
public final class ResponseState {
    final ResponseUsageReader usageReader = new ResponseUsageReader();
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

    public Usage usage() {
        return usageReader.usage();
    }
}
