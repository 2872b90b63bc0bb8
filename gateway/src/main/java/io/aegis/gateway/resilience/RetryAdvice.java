package io.aegis.gateway.resilience;

import io.aegis.gateway.config.RetrySettings;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an upstream's answer says about trying again: whether its status is worth a retry, whether
 * it says so itself ({@code x-should-retry}), and how long it asks to be left alone
 * ({@code retry-after-ms}, {@code retry-after}, or Gemini's {@code RetryInfo.retryDelay} in the
 * error body). And the wait when it does not say: exponential backoff with full jitter.
 */
public final class RetryAdvice {
    /** An answer with no advice of its own. */
    public static final long NONE = -1;
    /** The most of an error body read for advice; a longer body is passed on unread. */
    public static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\"\\s*:\\s*\"([0-9]+(?:\\.[0-9]+)?)s\"");

    private RetryAdvice() {
    }

    /** Statuses that say "try again": timeouts, rate limits, server errors, overload. */
    public static boolean retryableStatus(int status) {
        switch (status) {
            case 408: case 429: case 500: case 502: case 503: case 504: case 529:
                return true;
            default:
                return false;
        }
    }

    /** The {@code x-should-retry} header: 1 for true, 0 for false, -1 when absent or neither. */
    public static int shouldRetry(HttpHeaders headers) {
        String value = headers.get("x-should-retry");
        if (value == null) {
            return -1;
        }
        return "true".equalsIgnoreCase(value.trim()) ? 1 : "false".equalsIgnoreCase(value.trim()) ? 0 : -1;
    }

    /**
     * The wait the upstream asked for in milliseconds, or {@link #NONE}: {@code retry-after-ms}
     * first (Anthropic's exact value), then {@code retry-after} (seconds or an HTTP date), then a
     * Gemini {@code retryDelay} in the error body (may be {@code null}).
     */
    public static long requestedDelayMs(HttpHeaders headers, ByteBuf errorBody, long nowEpochMs) {
        String ms = headers.get("retry-after-ms");
        if (ms != null) {
            try {
                double value = Double.parseDouble(ms.trim());
                if (value >= 0 && value < Long.MAX_VALUE) {
                    return (long) Math.ceil(value);
                }
            } catch (NumberFormatException ignored) {
                // Fall through to retry-after.
            }
        }
        String after = headers.get("retry-after");
        if (after != null) {
            String text = after.trim();
            try {
                long seconds = Long.parseLong(text);
                if (seconds >= 0) {
                    return Math.multiplyExact(seconds, 1000L);
                }
            } catch (NumberFormatException | ArithmeticException notSeconds) {
                try {
                    long at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                    return Math.max(0, at - nowEpochMs);
                } catch (DateTimeParseException ignored) {
                    // Neither form: no advice from this header.
                }
            }
        }
        if (errorBody != null && errorBody.isReadable()) {
            Matcher m = RETRY_DELAY.matcher(errorBody.toString(errorBody.readerIndex(),
                    Math.min(errorBody.readableBytes(), MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8));
            if (m.find()) {
                return (long) Math.ceil(Double.parseDouble(m.group(1)) * 1000);
            }
        }
        return NONE;
    }

    /**
     * The wait before retry number {@code retry} (1 for the first) when the upstream gave no advice:
     * drawn uniformly from 0 to {@code min(max_backoff, initial_backoff * 2^(retry-1))} ("full jitter",
     * so that callers failed together do not come back together).
     */
    public static long backoffMs(RetrySettings settings, int retry) {
        long ceiling = settings.initialBackoffMs();
        for (int i = 1; i < retry && ceiling < settings.maxBackoffMs(); i++) {
            ceiling *= 2;
        }
        ceiling = Math.min(ceiling, settings.maxBackoffMs());
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
}
