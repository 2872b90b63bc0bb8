package io.aegis.gateway.proxy;

import io.aegis.gateway.resilience.CircuitBreaker;
import io.aegis.gateway.upstream.UpstreamChannels;
import io.aegis.gateway.upstream.UpstreamConnections;
import io.aegis.gateway.upstream.UpstreamListener;
import io.aegis.gateway.upstream.UpstreamTarget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * One try of an exchange against one target with one provider key: its connection, its request, the
 * breaker permits it holds, and what its response has shown so far. An exchange has two, reused for
 * every request of the connection: the main line of attempts and, when hedging, the hedge. Every
 * path out of an attempt goes through {@link #end}, so key in-flight counts and probe permits are
 * given back exactly once.
 */
final class UpstreamAttempt implements UpstreamListener {
    private final AttemptScheduler owner;
    /** Numbers the uses of this slot; a completion for an earlier use is stale and ignored. */
    long sequence;
    boolean active;
    boolean hedge;
    UpstreamTarget target;
    /** The pool index of the provider key used, or -1 (passthrough: the caller's key). */
    int keyIndex = -1;
    int targetGrant;
    int keyGrant;
    boolean verdictRecorded;
    FullHttpRequest request;
    Channel channel;
    int staleRetries;
    /** When the request was written (0: still connecting), and when its first byte is due. */
    long sentNanos;
    long firstByteDueNanos;
    /** The response head, held until the first body byte (or the error's verdict). */
    HttpResponse head;
    boolean reusable;
    /** Reading a retryable error's body to decide; the bytes are kept for a pass-through. */
    boolean drainingError;
    ByteBuf errorBody;

    UpstreamAttempt(AttemptScheduler owner) {
        this.owner = owner;
    }

    void begin(UpstreamTarget target, int keyIndex, int targetGrant, int keyGrant, boolean hedge) {
        this.sequence++;
        this.active = true;
        this.hedge = hedge;
        this.target = target;
        this.keyIndex = keyIndex;
        this.targetGrant = targetGrant;
        this.keyGrant = keyGrant;
        this.verdictRecorded = false;
        this.channel = null;
        this.staleRetries = 0;
        this.sentNanos = 0;
        this.firstByteDueNanos = 0;
        this.head = null;
        this.reusable = false;
        this.drainingError = false;
    }

    boolean awaitingFirstByte() {
        return active && sentNanos != 0;
    }

    /** Records the attempt's verdict in the target's and the key's circuit breakers, once. */
    void verdict(long nowNanos, boolean targetFailed, boolean keyFailed) {
        if (verdictRecorded) {
            return;
        }
        verdictRecorded = true;
        record(target.breaker(), nowNanos, targetFailed, targetGrant);
        if (keyIndex >= 0) {
            record(target.keys().breaker(keyIndex), nowNanos, keyFailed, keyGrant);
        }
    }

    private static void record(CircuitBreaker breaker, long nowNanos, boolean failed, int grant) {
        boolean probe = grant == CircuitBreaker.PROBE;
        if (failed) {
            breaker.failure(nowNanos, probe);
        } else {
            breaker.success(nowNanos, probe);
        }
    }

    /** Ends the attempt: closes its connection unless {@code keepChannel}, gives back key and permits. */
    void end(boolean keepChannel) {
        if (!active) {
            return;
        }
        active = false;
        if (!verdictRecorded) {
            // Cancelled or abandoned: no verdict, so a probe permit goes back unused.
            verdictRecorded = true;
            target.breaker().abandoned(targetGrant == CircuitBreaker.PROBE);
            if (keyIndex >= 0) {
                target.keys().breaker(keyIndex).abandoned(keyGrant == CircuitBreaker.PROBE);
            }
        }
        if (keyIndex >= 0) {
            target.keys().release(keyIndex);
        }
        if (request != null) {
            request.release();
            request = null;
        }
        if (channel != null && !keepChannel) {
            UpstreamConnections.unbind(channel);
            channel.close();
        }
        channel = null;
        head = null;
        drainingError = false;
    }

    /** Asks {@code channels} for a connection; the scheduler hears of it, unless this attempt ended meanwhile. */
    void connect(UpstreamChannels channels, int connectTimeoutMs) {
        long use = sequence;
        ChannelFuture connect = channels.acquire(target.endpoint(), connectTimeoutMs);
        if (connect.isDone()) {
            connected(use, connect);
        } else {
            connect.addListener((ChannelFutureListener) f -> connected(use, f));
        }
    }

    private void connected(long use, ChannelFuture future) {
        if (use != sequence || !active) {
            // The attempt ended (caller left, timed out, lost a hedge) while it was connecting.
            if (future.isSuccess()) {
                future.channel().close();
            }
            return;
        }
        if (future.isSuccess()) {
            owner.connected(this, future.channel());
        } else {
            owner.failed(this, future.cause());
        }
    }

    /** Writes the request on {@code connection}, whose response now comes to this attempt, and reads for it. */
    void send(Channel connection, long nowNanos, long firstByteDueNanos) {
        channel = connection;
        UpstreamConnections.bind(connection, this);
        // The body duplicated (writing consumes it, and a resend needs it whole); the headers shared, not copied.
        FullHttpRequest copy = new DefaultFullHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                request.content().retainedDuplicate(), request.headers(), EmptyHttpHeaders.INSTANCE);
        // A void promise: a failed write reaches the relay's exceptionCaught, which fails this attempt (it is bound).
        connection.writeAndFlush(copy, connection.voidPromise());
        sentNanos = nowNanos;
        this.firstByteDueNanos = firstByteDueNanos;
        connection.read();
    }

    /** Drops a kept error body. */
    void releaseErrorBody() {
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
    }

    @Override
    public void upstreamHead(HttpResponse head) {
        owner.head(this, head);
    }

    @Override
    public void upstreamContent(HttpContent content) {
        owner.content(this, content);
    }

    @Override
    public void upstreamReadComplete() {
        owner.readComplete(this);
    }

    @Override
    public void upstreamFailed(Throwable cause) {
        owner.failed(this, cause);
    }
}
