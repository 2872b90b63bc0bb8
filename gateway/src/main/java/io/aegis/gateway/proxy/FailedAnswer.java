package io.aegis.gateway.proxy;

import io.aegis.gateway.error.ErrorClass;
import io.aegis.gateway.error.GatewayError;
import io.aegis.gateway.upstream.MalformedUpstreamResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.ConnectException;
import javax.net.ssl.SSLException;

/**
 * The last failure of an exchange's attempts before anything reached the caller, kept in case no
 * attempt is left: an upstream error response read whole (passed on as it came), or a connection
 * failure or timeout (answered with the gateway's own error). A new failure replaces the last.
 */
final class FailedAnswer {
    HttpResponse head;
    ByteBuf body;
    GatewayError error;
    String message;
    ErrorClass errorClass;

    /** How a connection failure is recorded: the error class of {@code cause}. */
    static ErrorClass classify(Throwable cause) {
        if (cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException) {
            return ErrorClass.UPSTREAM_CONNECT_TIMEOUT;
        }
        if (cause instanceof ConnectException) {
            return ErrorClass.UPSTREAM_REFUSED;
        }
        if (cause instanceof MalformedUpstreamResponse) {
            return ErrorClass.UPSTREAM_PROTOCOL;
        }
        if (cause instanceof SSLException || cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            return ErrorClass.UPSTREAM_TLS;
        }
        return ErrorClass.UPSTREAM_RESET;
    }

    /** An error response, held with its body; this takes over the body. */
    void response(HttpResponse head, ByteBuf body) {
        release();
        this.head = head;
        this.body = body;
    }

    /** A connection that failed this way. */
    void connectionFailed(ErrorClass errorClass, int connectTimeoutMs) {
        release();
        this.errorClass = errorClass;
        switch (errorClass) {
            case UPSTREAM_CONNECT_TIMEOUT:
                error = GatewayError.UPSTREAM_TIMEOUT;
                message = "upstream did not accept the connection within " + connectTimeoutMs + " ms";
                break;
            case UPSTREAM_REFUSED:
                error = GatewayError.UPSTREAM_FAILED;
                message = "upstream refused the connection";
                break;
            case UPSTREAM_PROTOCOL:
                error = GatewayError.UPSTREAM_FAILED;
                message = "upstream sent a malformed response";
                break;
            case UPSTREAM_TLS:
                error = GatewayError.UPSTREAM_FAILED;
                message = "TLS with the upstream failed (certificate or handshake)";
                break;
            default:
                error = GatewayError.UPSTREAM_FAILED;
                message = "upstream closed the connection before responding";
        }
    }

    /** An attempt that sent nothing within the first-byte limit. */
    void firstByteTimedOut(long firstByteMs) {
        release();
        error = GatewayError.UPSTREAM_TIMEOUT;
        message = "upstream sent no response within " + firstByteMs + " ms";
        errorClass = ErrorClass.UPSTREAM_TIMEOUT_FIRST_BYTE;
    }

    boolean isResponse() {
        return head != null;
    }

    boolean isError() {
        return error != null;
    }

    /** Hands the held body over (the caller releases or sends it); the answer is forgotten. */
    ByteBuf takeBody() {
        ByteBuf taken = body;
        body = null;
        head = null;
        return taken;
    }

    void release() {
        if (body != null) {
            body.release();
        }
        head = null;
        body = null;
        error = null;
    }
}
