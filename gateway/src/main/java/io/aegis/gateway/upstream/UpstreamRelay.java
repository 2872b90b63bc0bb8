package io.aegis.gateway.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;

/**
 * The last handler of an upstream connection: passes the response to the exchange bound to the
 * connection, and closes a pooled connection that idles too long. A response that arrives while no
 * exchange is bound (a server talking out of turn) is dropped and the connection closed.
 */
final class UpstreamRelay extends ChannelInboundHandlerAdapter {
    private UpstreamListener listener;
    /** True between a dropped 1xx head and the empty body the decoder emits after it. */
    private boolean inInformational;

    void bind(UpstreamListener listener) {
        this.listener = listener;
    }

    void unbind() {
        this.listener = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener current = listener;
        if (current == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpObject && ((HttpObject) msg).decoderResult().isFailure()) {
            // A bad head or a bad chunk: the decoder ends the message with a failed LastHttpContent,
            // which must not pass for a clean end (nor the connection go back to the pool).
            Throwable cause = ((HttpObject) msg).decoderResult().cause();
            ReferenceCountUtil.release(msg);
            listener = null;
            current.upstreamFailed(new MalformedUpstreamResponse(cause));
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse) {
            HttpResponse head = (HttpResponse) msg;
            if (head.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL
                    && head.status().code() != 101) {
                // 100 Continue, 103 Early Hints: the final response follows on this connection.
                inInformational = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
            current.upstreamHead(head);
            if (msg instanceof HttpContent && listener == current) {
                // A full response object: the same message is also the body.
                current.upstreamContent((HttpContent) msg);
            }
            return;
        }
        if (msg instanceof HttpContent) {
            if (inInformational) {
                inInformational = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                return;
            }
            current.upstreamContent((HttpContent) msg);
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener current = listener;
        if (current != null) {
            current.upstreamReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new ClosedChannelException());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && listener == null) {
            // Idle in the pool for too long: the server would drop it soon anyway.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    private void fail(Throwable cause) {
        UpstreamListener current = listener;
        listener = null;
        if (current != null) {
            current.upstreamFailed(cause);
        }
    }
}
