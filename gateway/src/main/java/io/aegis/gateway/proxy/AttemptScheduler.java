package io.aegis.gateway.proxy;

import io.aegis.gateway.config.HedgeSettings;
import io.aegis.gateway.config.RetrySettings;
import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.resilience.RetryAdvice;
import io.aegis.gateway.upstream.MalformedUpstreamResponse;
import io.aegis.gateway.upstream.ProviderUpstream;
import io.aegis.gateway.upstream.RoutePolicy;
import io.aegis.gateway.upstream.UpstreamConnections;
import io.aegis.gateway.upstream.UpstreamEndpoint;
import io.aegis.gateway.upstream.UpstreamTarget;
import io.aegis.trace.Outcome;
import io.aegis.trace.TraceEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;

/**
 * The attempts stage: sends an admitted request upstream and decides, until the first byte of an
 * answer, whether to try again and where. Retryable statuses and connection failures are retried
 * with backoff (or the wait the upstream asked for) on the same target, then on the failover
 * targets ({@link TargetPicker}), within the per-target attempts, the provider's retry budget and the
 * total deadline. With hedging on, a slow first byte starts a second attempt; the first to answer
 * wins and the other is cancelled. The winner's head and body go to the {@link ResponseRelay}; when
 * nothing is left, the last upstream error goes to {@link ExchangeCompletion} as it came, or the
 * gateway's own 502/503/504. One {@link ExchangeTimer} covers every deadline and scheduled move.
 */
final class AttemptScheduler {
    /** Retries on a fresh connection when a pooled one turns out to be closed before any response byte. */
    private static final int MAX_STALE_CONNECTION_RETRIES = 2;
    /** How long a key rests after a 429 that did not say. */
    private static final long DEFAULT_COOLDOWN_MS = 1_000;

    private final Exchange exchange;
    private final ProxyContext context;
    private final NanoClock clock;
    /** Whether the gateway sends its own provider keys (virtual mode), whose rest a retry waits out. */
    private final boolean virtualKeys;
    private final TargetPicker picker;
    private final ResponseRelay relay;
    private final ExchangeCompletion completion;
    private final ExchangeDeadlines deadlines = new ExchangeDeadlines();
    private final ExchangeTimer timer;
    private final FailedAnswer failed = new FailedAnswer();
    /** The main line of attempts (first try and retries) and the hedge. */
    private final UpstreamAttempt main = new UpstreamAttempt(this);
    private final UpstreamAttempt hedgeSlot = new UpstreamAttempt(this);
    private ChannelHandlerContext ctx;
    private ProviderUpstream provider;
    private RoutePolicy policy;
    /** The upstream path and query, after each target's base path. */
    private String upstreamPathAndQuery;
    /** The attempt whose answer the caller gets, from its first byte on. */
    private UpstreamAttempt winner;
    /** The target of the main line, and the attempts made on it. */
    private int targetIndex;
    private int attemptsOnTarget;
    private boolean retryPending;
    private long retryDueNanos;
    private int retryTarget;
    private boolean hedgeArmed;
    private long hedgeDueNanos;

    AttemptScheduler(Exchange exchange, ProxyContext context, boolean virtualKeys, TargetPicker picker,
                     ResponseRelay relay, ExchangeCompletion completion) {
        this.exchange = exchange;
        this.context = context;
        this.clock = context.clock();
        this.virtualKeys = virtualKeys;
        this.picker = picker;
        this.relay = relay;
        this.completion = completion;
        this.timer = new ExchangeTimer(clock, this::timerDue);
    }

    void attach(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        timer.attach(ctx.executor());
    }

    /** Sends the admitted request: the first attempt, and the timer for the exchange's deadlines. */
    void start(String upstreamPathAndQuery) {
        this.upstreamPathAndQuery = upstreamPathAndQuery;
        provider = exchange.upstreamProvider;
        String model = exchange.policy.routedModel != null ? exchange.policy.routedModel : exchange.facts.model();
        policy = provider.policy(model, exchange.facts.stream());
        long now = clock.nanoTime();
        deadlines.start(policy.timeouts(), exchange.timings.acceptedNanos);
        exchange.timings.upstreamRequestedNanos = now;
        provider.retryBudget().request(now);
        picker.begin(provider);
        winner = null;
        targetIndex = -1;
        attemptsOnTarget = 0;
        retryPending = false;
        hedgeArmed = false;
        timer.arm(now, nextDueNanos());
        int t = picker.pick(now, 0);
        if (t >= 0) {
            launch(main, t, false);
        } else if (!waitForKeys(now, 0)) {
            // Every circuit open, or every key resting longer than a retry would wait: answered at once.
            end();
            completion.refuse(picker.unavailable(now));
        }
    }

    // ---- Sending ----

    /** Starts {@code slot} against target {@code t} with the permits the picker holds. */
    private void launch(UpstreamAttempt slot, int t, boolean hedge) {
        UpstreamTarget chosen = provider.targets().get(t);
        int key = picker.key();
        slot.begin(chosen, key, picker.targetGrant(), picker.keyGrant(), hedge);
        exchange.attempts.count++;
        if (!hedge) {
            if (t != targetIndex) {
                targetIndex = t;
                attemptsOnTarget = 0;
            }
            attemptsOnTarget++;
        }
        UpstreamEndpoint endpoint = chosen.endpoint();
        slot.request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                endpoint.basePath() + upstreamPathAndQuery, exchange.body.retainedDuplicate(),
                HeaderPolicy.upstreamRequest(exchange.requestHeaders, provider.provider(),
                        key >= 0 ? chosen.keys().key(key) : null, endpoint.hostHeader(),
                        exchange.body.readableBytes(), exchange.trace.outbound(),
                        exchange.route.api() == io.aegis.wire.CallerApi.OPENAI),
                EmptyHttpHeaders.INSTANCE);
        if (exchange.attempts.upstream == null || !hedge) {
            exchange.attempts.upstream = endpoint.toString();
        }
        connect(slot);
    }

    private void connect(UpstreamAttempt slot) {
        slot.connect(context.upstreams().channels(ctx.executor()), deadlines.connectMillis());
    }

    /** {@code slot} has its connection: the request goes out, and its first-byte limit (and a hedge's delay) runs. */
    void connected(UpstreamAttempt slot, Channel channel) {
        long now = clock.nanoTime();
        if (exchange.timings.upstreamConnectedNanos == 0) {
            exchange.timings.upstreamConnectedNanos = now;
        }
        slot.send(channel, now, now + deadlines.firstByteNanos());
        if (!slot.hedge && policy.hedge() != null && exchange.attempts.hedge == TraceEvent.HEDGE_NONE && !hedgeArmed
                && exchange.attempts.count == 1) {
            hedgeArmed = true;
            hedgeDueNanos = now + hedgeDelayNanos(slot.target, now);
        }
        timer.armIfSooner(now, nextDueNanos());
    }

    /** The configured delay, or the target's recent percentile of time to first byte (not below the floor). */
    private long hedgeDelayNanos(UpstreamTarget target, long now) {
        HedgeSettings hedge = policy.hedge();
        if (hedge.percentile() > 0) {
            long observed = target.firstByteTimes().percentileNanos(hedge.percentile(), now);
            if (observed > 0) {
                return Math.max(observed, TimeUnit.MILLISECONDS.toNanos(hedge.minDelayMs()));
            }
        }
        return TimeUnit.MILLISECONDS.toNanos(hedge.delayMs());
    }

    // ---- What an attempt's connection brings ----

    /** A response head: held until the first body byte, or, for a retryable error, until its body is read. */
    void head(UpstreamAttempt slot, HttpResponse head) {
        if (!slot.active || !exchange.inFlight) {
            return;
        }
        int status = head.status().code();
        int says = RetryAdvice.shouldRetry(head.headers());
        boolean retryable = winner == null && (says == 1 ? status >= 400
                : says != 0 && (RetryAdvice.retryableStatus(status)
                        || picker.anotherKey(slot.target, slot.keyIndex, status, clock.nanoTime())));
        slot.head = head;
        slot.reusable = HttpUtil.isKeepAlive(head);
        if (retryable) {
            // Read the error whole before deciding: its body may carry the wait (Gemini's RetryInfo),
            // and if no retry is left it goes to the caller as it came.
            slot.drainingError = true;
            slot.releaseErrorBody();
            slot.errorBody = ctx.alloc().buffer();
        }
        // Otherwise the head waits for the first body byte: until then a failure can still be retried,
        // and for a stream that byte is the first event (time to first token).
    }

    void content(UpstreamAttempt slot, HttpContent content) {
        if (!slot.active || !exchange.inFlight) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (slot.drainingError) {
            ByteBuf bytes = content.content();
            if (slot.errorBody.readableBytes() + bytes.readableBytes() <= RetryAdvice.MAX_ERROR_BODY_BYTES) {
                slot.errorBody.writeBytes(bytes);
                content.release();
                if (last) {
                    errorResponseEnded(slot);
                }
                return;
            }
            // An error body too large to hold: it is the answer, relayed as it comes.
            slot.drainingError = false;
        }
        long now = clock.nanoTime();
        if (winner == null) {
            if (!last && !content.content().isReadable()) {
                content.release();
                return;
            }
            commit(slot, now);
            if (slot.errorBody != null) {
                ByteBuf held = slot.errorBody;
                slot.errorBody = null;
                relay.relay(new DefaultHttpContent(held));
            }
        }
        if (slot != winner) {
            content.release();
            return;
        }
        deadlines.responseRead(now);
        if (last) {
            answered(slot, (LastHttpContent) content, now);
        } else {
            relay.relay(content);
        }
    }

    void readComplete(UpstreamAttempt slot) {
        if (slot == winner) {
            relay.readComplete();
        } else if (slot.active && slot.channel != null) {
            // Not relaying yet: nothing to hold back for, read on to the first byte or the error's end.
            slot.channel.read();
        }
    }

    /**
     * {@code slot} delivered the first byte of an answer: it is the one the caller gets. A hedge still
     * running is cancelled (only the winner is read for usage, so only it is billed), and the head goes out.
     */
    private void commit(UpstreamAttempt slot, long now) {
        winner = slot;
        UpstreamAttempt other = slot == main ? hedgeSlot : main;
        if (other.active) {
            logAttempt(other, "cancelled");
            other.end(false);
        }
        if (exchange.attempts.hedge != TraceEvent.HEDGE_NONE) {
            exchange.attempts.hedge = slot.hedge ? TraceEvent.HEDGE_WON : TraceEvent.HEDGE_LOST;
        }
        retryPending = false;
        hedgeArmed = false;
        failed.release();
        slot.target.firstByteTimes().record(now - slot.sentNanos);
        HttpResponse head = slot.head;
        slot.head = null;
        exchange.attempts.upstream = slot.target.endpoint().toString();
        deadlines.responseRead(now);
        relay.commit(head, slot.channel, now);
        // The idle limit now applies, and may be due before whatever the timer was armed for.
        timer.armIfSooner(now, nextDueNanos());
    }


    /** The winner's answer ended: the attempt is judged and its connection pooled, then the last chunk goes out. */
    private void answered(UpstreamAttempt slot, LastHttpContent last, long now) {
        deadlines.stop();
        int status = exchange.response.status;
        slot.verdict(now, targetFailed(status), keyFailed(status));
        logAttempt(slot, status);
        Channel finished = slot.channel;
        UpstreamEndpoint endpoint = slot.target.endpoint();
        boolean reuse = slot.reusable && finished.isActive();
        slot.end(reuse);
        end();
        if (reuse) {
            context.upstreams().channels(ctx.executor()).release(endpoint, finished);
        }
        relay.relayLast(last, now);
    }

    /** A retryable error response was read whole: decide whether to try again, and where. */
    private void errorResponseEnded(UpstreamAttempt slot) {
        long now = clock.nanoTime();
        HttpResponse head = slot.head;
        int status = head.status().code();
        ByteBuf body = slot.errorBody;
        slot.errorBody = null;
        long requestedMs = RetryAdvice.requestedDelayMs(head.headers(), body, System.currentTimeMillis());
        slot.verdict(now, targetFailed(status), keyFailed(status));
        logAttempt(slot, status);
        if (status == 429 && slot.keyIndex >= 0) {
            // The key rests for as long as the upstream asked (or a second when it did not say).
            slot.target.keys().coolDown(slot.keyIndex,
                    now + TimeUnit.MILLISECONDS.toNanos(requestedMs >= 0 ? requestedMs : DEFAULT_COOLDOWN_MS));
        }
        boolean keyRefused = (status == 401 || status == 403) && slot.keyIndex >= 0;
        if (keyRefused) {
            picker.keyRefused(slot.target, slot.keyIndex);
        }
        UpstreamTarget failedTarget = slot.target;
        Channel channel = slot.channel;
        boolean reuse = slot.reusable && channel != null && channel.isActive();
        slot.end(reuse);
        if (reuse) {
            context.upstreams().channels(ctx.executor()).release(failedTarget.endpoint(), channel);
        }
        failed.response(head, body);
        if (otherActive(slot)) {
            return;
        }
        retryOrGiveUp(now, failedTarget, requestedMs, status == 429 || keyRefused);
    }

    /** The connection of {@code slot} failed, or its response broke off. */
    void failed(UpstreamAttempt slot, Throwable cause) {
        if (!slot.active || !exchange.inFlight) {
            return;
        }
        long now = clock.nanoTime();
        if (slot == winner) {
            // After the head went out: never retried, the caller learns in-stream.
            slot.verdict(now, true, false);
            logAttempt(slot, "reset");
            slot.end(false);
            end();
            if (cause instanceof MalformedUpstreamResponse) {
                relay.failInStream(GatewayError.UPSTREAM_FAILED, "upstream sent a malformed response",
                        ErrorClass.UPSTREAM_PROTOCOL);
            } else {
                relay.failInStream(GatewayError.UPSTREAM_FAILED, "upstream connection failed mid-response",
                        ErrorClass.UPSTREAM_RESET);
            }
            return;
        }
        Channel channel = slot.channel;
        if (channel != null && UpstreamConnections.wasReused(channel) && slot.head == null
                && slot.staleRetries < MAX_STALE_CONNECTION_RETRIES && !(cause instanceof ConnectTimeoutException)) {
            // A pooled connection the upstream had already closed: the request never reached it.
            UpstreamConnections.unbind(channel);
            channel.close();
            slot.channel = null;
            slot.sentNanos = 0;
            slot.staleRetries++;
            exchange.attempts.count++;
            connect(slot);
            return;
        }
        ErrorClass errorClass = FailedAnswer.classify(cause);
        slot.verdict(now, true, false);
        logAttempt(slot, errorClass.wireName());
        failed.connectionFailed(errorClass, deadlines.connectMillis());
        UpstreamTarget failedTarget = slot.target;
        slot.releaseErrorBody();
        slot.end(false);
        if (otherActive(slot)) {
            return;
        }
        if (errorClass.retryableConnectionFailure()) {
            retryOrGiveUp(now, failedTarget, RetryAdvice.NONE, false);
        } else {
            giveUp(null);
        }
    }

    // ---- Deciding what next ----

    /**
     * After a retryable failure with nothing sent to the caller: the same target again after a backoff
     * (or the wait the upstream asked for) while it has attempts left and its circuit is closed, else
     * the next failover target at once; never past the total deadline, and only while the provider's
     * retry budget allows. {@code keyAtFault}: the key failed (rate limited or refused), so another key
     * of the pool that is free now is tried without a backoff.
     */
    private void retryOrGiveUp(long now, UpstreamTarget failedTarget, long requestedMs, boolean keyAtFault) {
        RetrySettings retries = policy.retries();
        boolean sameTarget = attemptsOnTarget < retries.maxAttempts() && failedTarget.breaker().wouldAllow(now)
                && requestedMs <= retries.maxRetryAfterMs();
        int next;
        long delayMs;
        if (sameTarget) {
            next = failedTarget.index();
            long keyWaitNs = virtualKeys ? failedTarget.keys().nanosUntilAvailable(now) : 0;
            if (keyAtFault && keyWaitNs == 0) {
                delayMs = 0; // another key of the pool is free now
            } else {
                delayMs = requestedMs >= 0 ? requestedMs : RetryAdvice.backoffMs(retries, exchange.attempts.retries + 1);
                delayMs = Math.max(delayMs, TimeUnit.NANOSECONDS.toMillis(keyWaitNs + 999_999));
            }
        } else {
            next = failedTarget.index() + 1;
            delayMs = 0;
            if (next >= provider.targets().size()) {
                giveUp(requestedMs > retries.maxRetryAfterMs() ? ErrorClass.UPSTREAM_RETRY_AFTER_TOO_LONG
                        : ErrorClass.UPSTREAM_RETRIES_EXHAUSTED);
                return;
            }
        }
        if (now + TimeUnit.MILLISECONDS.toNanos(delayMs) - deadlines.totalDeadlineNanos() >= 0) {
            giveUp(ErrorClass.UPSTREAM_RETRY_PAST_DEADLINE);
            return;
        }
        if (!provider.retryBudget().tryRetry(now)) {
            giveUp(ErrorClass.UPSTREAM_RETRY_BUDGET_EXHAUSTED);
            return;
        }
        exchange.attempts.retries++;
        retryTarget = next;
        if (delayMs == 0) {
            startRetry(now);
        } else {
            retryPending = true;
            retryDueNanos = now + TimeUnit.MILLISECONDS.toNanos(delayMs);
            timer.armIfSooner(now, nextDueNanos());
        }
    }

    private void startRetry(long now) {
        retryPending = false;
        int t = picker.pick(now, retryTarget);
        if (t >= 0) {
            launch(main, t, false);
        } else if (!waitForKeys(now, retryTarget)) {
            giveUp(picker.keysResting() ? ErrorClass.UPSTREAM_KEYS_COOLING : ErrorClass.UPSTREAM_CIRCUIT_OPEN);
        }
    }

    /**
     * Schedules the next try from target {@code from} for when a key is free again, if keys were all
     * that stood in the way and the wait fits the retry limits; false when it does not.
     */
    private boolean waitForKeys(long now, int from) {
        long waitNs = picker.keyWaitNanos(now, from,
                TimeUnit.MILLISECONDS.toNanos(policy.retries().maxRetryAfterMs()), deadlines.totalDeadlineNanos());
        if (waitNs < 0) {
            return false;
        }
        retryTarget = from;
        retryPending = true;
        retryDueNanos = now + waitNs;
        timer.armIfSooner(now, nextDueNanos());
        return true;
    }

    /** Sends a hedge to the next target (or the same one, on another connection and key when it has one). */
    private void launchHedge(long now) {
        if (winner != null || !main.active || main.drainingError || hedgeSlot.active) {
            return;
        }
        int t = picker.pick(now, main.target.index() + 1);
        if (t < 0) {
            t = picker.pick(now, 0);
        }
        if (t < 0) {
            return;
        }
        if (!provider.retryBudget().tryRetry(now)) {
            // A hedge is extra load like a retry, and the same budget bounds it: hand back the permits.
            picker.giveBack(t);
            return;
        }
        exchange.attempts.hedge = AttemptRecord.HEDGE_SENT;
        launch(hedgeSlot, t, true);
    }

    /**
     * No attempt is left: the caller gets the last upstream error response as it came (a 529, a 429
     * with its retry-after), or the gateway's own error for a connection that failed or timed out;
     * with neither, 503 or 429 as the picker says, or 502.
     */
    private void giveUp(ErrorClass reason) {
        if (failed.isResponse()) {
            HttpResponse head = failed.head;
            ByteBuf body = failed.takeBody();
            end();
            completion.passThrough(head, body, reason);
            return;
        }
        if (failed.isError()) {
            Refusal refusal = exchange.refuse(failed.error, failed.message, failed.errorClass, Outcome.UPSTREAM_FAILED);
            end();
            completion.refuse(refusal);
            return;
        }
        end();
        if (picker.keysResting() || reason == ErrorClass.UPSTREAM_CIRCUIT_OPEN) {
            completion.refuse(picker.unavailable(clock.nanoTime()));
            return;
        }
        completion.refuse(exchange.refuse(GatewayError.UPSTREAM_FAILED, "upstream failed",
                reason, Outcome.UPSTREAM_FAILED));
    }

    /** Whether an answer with {@code status} counts against the upstream's circuit (a 429 is the key's). */
    private static boolean targetFailed(int status) {
        return status >= 500 || status == 408;
    }

    /** Whether it counts against the key's circuit: refused or rate limited. */
    private static boolean keyFailed(int status) {
        return status == 401 || status == 403 || status == 429;
    }

    private boolean otherActive(UpstreamAttempt slot) {
        return (slot == main ? hedgeSlot : main).active;
    }

    /** Adds {@code [h]tN/KEY:RESULT} to the exchange's attempt log (bounded, key ids only). */
    private void logAttempt(UpstreamAttempt slot, String result) {
        StringBuilder entry = entry(slot);
        if (entry != null) {
            entry.append(result);
        }
    }

    private void logAttempt(UpstreamAttempt slot, int status) {
        if (status == 429) {
            exchange.attempts.providerRateLimited++;
        }
        StringBuilder entry = entry(slot);
        if (entry != null) {
            entry.append(status);
        }
    }

    private StringBuilder entry(UpstreamAttempt slot) {
        return exchange.attempts.entry(slot.hedge, slot.target.index(),
                slot.keyIndex >= 0 ? slot.target.keys().id(slot.keyIndex) : "caller");
    }

    // ---- The timer ----

    /** The earliest of: total and idle deadlines, each attempt's first byte, the hedge, the pending retry. */
    private long nextDueNanos() {
        long next = deadlines.nextDeadlineNanos();
        if (winner == null) {
            if (main.awaitingFirstByte() && main.firstByteDueNanos - next < 0) {
                next = main.firstByteDueNanos;
            }
            if (hedgeSlot.awaitingFirstByte() && hedgeSlot.firstByteDueNanos - next < 0) {
                next = hedgeSlot.firstByteDueNanos;
            }
            if (hedgeArmed && hedgeDueNanos - next < 0) {
                next = hedgeDueNanos;
            }
            if (retryPending && retryDueNanos - next < 0) {
                next = retryDueNanos;
            }
        }
        return next;
    }

    private void timerDue() {
        if (!exchange.inFlight || provider == null) {
            return;
        }
        long now = clock.nanoTime();
        ExchangeDeadlines.Expired expired = deadlines.check(now);
        if (expired != ExchangeDeadlines.Expired.NONE) {
            timedOut(expired, now);
            return;
        }
        if (winner == null) {
            boolean overdue = firstByteOverdue(main, now);
            overdue |= firstByteOverdue(hedgeSlot, now);
            if (overdue && !main.active && !hedgeSlot.active && !retryPending) {
                giveUp(null);
                return;
            }
            if (hedgeArmed && now - hedgeDueNanos >= 0) {
                hedgeArmed = false;
                launchHedge(now);
            }
            if (retryPending && now - retryDueNanos >= 0) {
                startRetry(now);
            }
        }
        if (exchange.inFlight && !timer.armed()) {
            timer.arm(now, nextDueNanos());
        }
    }

    /** Ends {@code slot} if its first byte is overdue (a time-to-first-token timeout); true when it did. */
    private boolean firstByteOverdue(UpstreamAttempt slot, long now) {
        if (!slot.awaitingFirstByte() || now - slot.firstByteDueNanos < 0) {
            return false;
        }
        slot.verdict(now, true, false);
        logAttempt(slot, "first_byte_timeout");
        slot.releaseErrorBody();
        slot.end(false);
        // Not retried: the upstream may be working on it (and billing it); a hedge covers slow starts.
        failed.firstByteTimedOut(deadlines.firstByteNanos() / 1_000_000);
        return true;
    }

    private void timedOut(ExchangeDeadlines.Expired expired, long now) {
        boolean idle = expired == ExchangeDeadlines.Expired.IDLE;
        String message = idle ? "upstream stalled for " + policy.timeouts().idleMs() + " ms mid-response"
                : "request exceeded the total time limit of " + policy.timeouts().totalMs() + " ms";
        ErrorClass errorClass = idle ? ErrorClass.UPSTREAM_TIMEOUT_IDLE : ErrorClass.UPSTREAM_TIMEOUT_TOTAL;
        for (UpstreamAttempt slot : new UpstreamAttempt[] {main, hedgeSlot}) {
            if (slot.active) {
                slot.verdict(now, true, false);
                logAttempt(slot, errorClass.attemptLabel());
                slot.releaseErrorBody();
                slot.end(false);
            }
        }
        end();
        if (exchange.response.headSent) {
            relay.failInStream(GatewayError.UPSTREAM_TIMEOUT, message, errorClass);
        } else {
            completion.refuse(exchange.refuse(GatewayError.UPSTREAM_TIMEOUT, message, errorClass,
                    Outcome.UPSTREAM_FAILED));
        }
    }

    // ---- Ending ----

    /** The caller left: every attempt still running is cancelled rather than left to run on unbilled. */
    /**
     * The answer policy refused what the winner sends (a blocked type in its answer): its connection
     * is dropped, not pooled (the rest of the answer is unread), and nothing counts against the target.
     */
    void refuseAnswer() {
        UpstreamAttempt slot = winner;
        if (slot == null) {
            return;
        }
        deadlines.stop();
        slot.verdict(clock.nanoTime(), false, false);
        logAttempt(slot, "answer_refused");
        slot.end(false);
        end();
    }

    void cancel() {
        if (main.active) {
            logAttempt(main, "client_closed");
        }
        if (hedgeSlot.active) {
            logAttempt(hedgeSlot, "client_closed");
        }
        end();
    }

    /**
     * Ends whatever still runs (attempts, the timer, a kept failure) before the exchange is handed on
     * for good: no attempt is left holding a key, a probe permit or a connection.
     */
    private void end() {
        timer.cancel();
        main.end(false);
        hedgeSlot.end(false);
        main.releaseErrorBody();
        hedgeSlot.releaseErrorBody();
        failed.release();
        retryPending = false;
        hedgeArmed = false;
        winner = null;
        provider = null;
        if (exchange.attempts.hedge == AttemptRecord.HEDGE_SENT) {
            // Sent, but neither attempt answered.
            exchange.attempts.hedge = TraceEvent.HEDGE_LOST;
        }
    }
}
