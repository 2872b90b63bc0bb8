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
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Sends requests at a fixed rate regardless of how fast answers come (open loop), on keep-alive
 * connections opened as needed, and records each request's latency from the moment it was meant to
 * be sent. A sender that falls behind therefore shows up in the figures instead of hiding queueing.
 * Everything runs on one event loop, so no state here is shared between threads.
 */
final class OpenLoopClient {
    /** One measured run. Histograms are in microseconds. */
    /** {@code firstToken}: to the first chunk carrying answer text (a text delta), the head for whole bodies. */
    record Result(Histogram total, Histogram firstByte, Histogram firstToken, long errors, long connections) {
    }

    /** What marks answer text in an Anthropic event stream. */
    private static final ByteBuf TEXT_DELTA = io.netty.buffer.Unpooled.unreleasableBuffer(
            io.netty.buffer.Unpooled.copiedBuffer("\"text_delta\"", java.nio.charset.StandardCharsets.US_ASCII));

    /** What marks answer text in an OpenAI chunk stream. */
    private static final ByteBuf OPENAI_CONTENT = io.netty.buffer.Unpooled.unreleasableBuffer(
            io.netty.buffer.Unpooled.copiedBuffer("\"delta\":{\"content\":", java.nio.charset.StandardCharsets.US_ASCII));

    private final EventLoop loop;
    private final NetworkTransport transport;
    private final InetSocketAddress target;

    OpenLoopClient(EventLoop loop, NetworkTransport transport, InetSocketAddress target) {
        this.loop = loop;
        this.transport = transport;
        this.target = target;
    }

    /**
     * Runs {@code warmupRequests} unrecorded, then {@code measuredRequests} recorded requests at
     * {@code ratePerSecond}; blocks the calling (non-event-loop) thread until all have answered.
     */
    Result run(String path, HttpHeaders headers, ByteBuf body, int ratePerSecond, int warmupRequests,
               int measuredRequests) throws InterruptedException {
        Run run = new Run(path, headers, body, ratePerSecond, warmupRequests, measuredRequests);
        loop.execute(run::start);
        long expectedSeconds = (warmupRequests + measuredRequests) / Math.max(1, ratePerSecond);
        if (!run.done.await(expectedSeconds + 30, TimeUnit.SECONDS)) {
            // Report rather than hang: every unanswered request is an error in the result.
            return loop.submit(run::giveUp).sync().getNow();
        }
        return run.done.getNow();
    }

    private final class Run {
        private final String path;
        private final HttpHeaders headers;
        private final ByteBuf body;
        private final long intervalNs;
        private final int warmup;
        private final int total;
        private final Histogram totalUs = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        private final Histogram firstByteUs = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        private final Histogram firstTokenUs = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        private final Promise<Result> done;
        /** Keep-alive connections of this run; closed when the run ends so no handler outlives it. */
        private final ArrayDeque<Channel> idle = new ArrayDeque<>();
        private long startNs;
        private int sent;
        private int answered;
        private long errors;
        private long connections;
        private ScheduledFuture<?> ticker;

        Run(String path, HttpHeaders headers, ByteBuf body, int rate, int warmup, int measured) {
            this.path = path;
            this.headers = headers;
            this.body = body;
            this.intervalNs = 1_000_000_000L / rate;
            this.warmup = warmup;
            this.total = warmup + measured;
            this.done = loop.newPromise();
        }

        void start() {
            if (total == 0) {
                done.setSuccess(new Result(totalUs, firstByteUs, firstTokenUs, 0, 0));
                return;
            }
            startNs = System.nanoTime();
            ticker = loop.scheduleAtFixedRate(this::tick, 0, Math.max(100_000, intervalNs / 4), TimeUnit.NANOSECONDS);
        }

        /** Ends the run with the requests still unanswered counted as errors. */
        Result giveUp() {
            if (!done.isDone()) {
                long missing = (long) total - answered;
                System.err.println("open-loop client: " + missing + " of " + total + " requests unanswered on "
                        + target + " " + path);
                done.setSuccess(new Result(totalUs, firstByteUs, firstTokenUs, errors + missing, connections));
            }
            return done.getNow();
        }

        private void tick() {
            long now = System.nanoTime();
            while (sent < total && startNs + sent * intervalNs <= now) {
                send(startNs + sent * intervalNs, sent >= warmup);
                sent++;
            }
            if (sent >= total) {
                ticker.cancel(false);
            }
        }

        private void send(long intendedNs, boolean recorded) {
            Channel channel = idle.pollLast();
            Exchange exchange = new Exchange(intendedNs, recorded);
            if (channel != null && channel.isActive()) {
                write(channel, exchange);
                return;
            }
            connections++;
            new Bootstrap().group(loop).channel(transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec()).addLast(new ResponseHandler());
                        }
                    })
                    .connect(target).addListener(f -> {
                        if (f.isSuccess()) {
                            write(((io.netty.channel.ChannelFuture) f).channel(), exchange);
                        } else {
                            finish(exchange, false);
                        }
                    });
        }

        private void write(Channel channel, Exchange exchange) {
            channel.pipeline().get(ResponseHandler.class).exchange = exchange;
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                    body.retainedDuplicate());
            request.headers().set(headers);
            request.headers().setInt("content-length", body.readableBytes());
            channel.writeAndFlush(request).addListener(f -> {
                if (!f.isSuccess()) {
                    finish(exchange, false);
                }
            });
        }

        private void finish(Exchange exchange, boolean ok) {
            if (exchange.finished) {
                return;
            }
            exchange.finished = true;
            long now = System.nanoTime();
            if (exchange.recorded) {
                if (ok) {
                    totalUs.recordValue(Math.max(0, (now - exchange.intendedNs) / 1000));
                    firstByteUs.recordValue(Math.max(0, (exchange.firstByteNs - exchange.intendedNs) / 1000));
                    long tokenNs = exchange.firstTokenNs != 0 ? exchange.firstTokenNs : exchange.firstByteNs;
                    firstTokenUs.recordValue(Math.max(0, (tokenNs - exchange.intendedNs) / 1000));
                } else {
                    errors++;
                }
            }
            answered++;
            if (answered == total) {
                for (Channel channel : idle) {
                    channel.close();
                }
                idle.clear();
                done.setSuccess(new Result(totalUs, firstByteUs, firstTokenUs, errors, connections));
            }
        }

        /** Reads one response at a time per connection; returns the connection to the idle set at its end. */
        private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
            Exchange exchange;

            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                Exchange current = exchange;
                if (current == null) {
                    return;
                }
                if (msg instanceof HttpResponse) {
                    current.firstByteNs = System.nanoTime();
                    current.ok = ((HttpResponse) msg).status().code() == 200;
                }
                if (current.firstTokenNs == 0 && msg instanceof io.netty.handler.codec.http.HttpContent
                        && (io.netty.buffer.ByteBufUtil.indexOf(TEXT_DELTA,
                                ((io.netty.handler.codec.http.HttpContent) msg).content()) >= 0
                            || io.netty.buffer.ByteBufUtil.indexOf(OPENAI_CONTENT,
                                ((io.netty.handler.codec.http.HttpContent) msg).content()) >= 0)) {
                    current.firstTokenNs = System.nanoTime();
                }
                if (msg instanceof LastHttpContent) {
                    exchange = null;
                    idle.addLast(ctx.channel());
                    finish(current, current.ok);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                idle.remove(ctx.channel());
                if (exchange != null) {
                    finish(exchange, false);
                    exchange = null;
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        }
    }

    /** One request in flight. */
    private static final class Exchange {
        final long intendedNs;
        final boolean recorded;
        long firstByteNs;
        long firstTokenNs;
        boolean ok;
        boolean finished;

        Exchange(long intendedNs, boolean recorded) {
            this.intendedNs = intendedNs;
            this.recorded = recorded;
        }
    }
}
