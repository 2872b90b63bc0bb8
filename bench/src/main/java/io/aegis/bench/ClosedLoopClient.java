package io.aegis.bench;

import io.aegis.natives.NetworkTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Capacity: a fixed number of keep-alive connections, each sending its next request as soon as the
 * previous answer has ended (closed loop), for a fixed time; reports completed requests per second.
 * Everything runs on one event loop.
 */
final class ClosedLoopClient {
    /** One run: answers with a 2xx status, others, and the measured seconds. */
    record Result(long completed, long errors, double seconds) {
        double perSecond() {
            return completed / seconds;
        }
    }

    private final EventLoop loop;
    private final NetworkTransport transport;
    private final InetSocketAddress target;

    ClosedLoopClient(EventLoop loop, NetworkTransport transport, InetSocketAddress target) {
        this.loop = loop;
        this.transport = transport;
        this.target = target;
    }

    /** Runs {@code connections} loops for {@code warmupSeconds} unrecorded, then {@code seconds} recorded. */
    Result run(String path, HttpHeaders headers, ByteBuf body, int connections, int warmupSeconds, int seconds)
            throws InterruptedException {
        long startNs = System.nanoTime();
        long measureFromNs = startNs + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long endNs = measureFromNs + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(connections);
        long[] counts = new long[2];
        for (int i = 0; i < connections; i++) {
            new Bootstrap().group(loop).channel(transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec()).addLast(new SimpleChannelInboundHandler<HttpObject>() {
                                private int status;
                                private long sentNs;

                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    send(ctx);
                                }

                                private void send(ChannelHandlerContext ctx) {
                                    sentNs = System.nanoTime();
                                    if (sentNs - endNs >= 0) {
                                        ctx.close();
                                        done.countDown();
                                        return;
                                    }
                                    DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                                            HttpMethod.POST, path, body.retainedDuplicate());
                                    request.headers().set(headers);
                                    request.headers().setInt("content-length", body.readableBytes());
                                    ctx.writeAndFlush(request);
                                }

                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                    if (msg instanceof HttpResponse) {
                                        status = ((HttpResponse) msg).status().code();
                                    }
                                    if (msg instanceof LastHttpContent) {
                                        if (sentNs - measureFromNs >= 0) {
                                            counts[status / 100 == 2 ? 0 : 1]++;
                                        }
                                        send(ctx);
                                    }
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    counts[1]++;
                                    ctx.close();
                                    done.countDown();
                                }
                            });
                        }
                    })
                    .connect(target);
        }
        done.await(warmupSeconds + seconds + 30L, TimeUnit.SECONDS);
        long[] result = loop.submit(() -> counts.clone()).sync().getNow();
        return new Result(result[0], result[1], seconds);
    }
}
