package io.aegis.bench;

import io.aegis.gateway.GatewayRuntime;
import io.aegis.wire.KeyDigest;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.mock.FaultPlan;
import io.aegis.mock.MockOptions;
import io.aegis.mock.MockUpstream;
import io.aegis.gateway.proxy.ExchangeListener;
import io.aegis.natives.NetworkTransport;
import io.aegis.natives.NetworkTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole request, end to end over loopback: the client, the mock upstream and (for
 * {@link #throughGateway}) the gateway with every stage on (rules, a redacting PII policy, budget and
 * limits, the trace queue) in this JVM. {@link #direct} sends the same request straight to the mock,
 * so that under {@code -prof gc} the difference of the two {@code gc.alloc.rate.norm} figures is what
 * the gateway allocates per request, and the difference of their times its added latency.
 *
 * <pre>java -jar bench/target/benchmarks.jar ExchangeBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true",
    "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class ExchangeBenchmark {
    private static final String VIRTUAL_KEY = "aegis-bench-key";
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,%s"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Write a haiku about gateways that keep secrets, "
            + "count tokens exactly and never drop a trace event.\"}]}";

    /** Non-stream JSON, or an SSE stream of the same answer. */
    @Param({"false", "true"})
    public boolean stream;

    private Path dir;
    private EventLoopGroup loops;
    private MockUpstream mock;
    private GatewayRuntime gateway;
    private RoundTrip toMock;
    private RoundTrip toGateway;

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("aegis-exchange-bench");
        NetworkTransport transport = NetworkTransports.select("auto");
        loops = transport.newEventLoopGroup(1, "bench-client-mock");
        mock = MockUpstream.start(transport, loops, false, new InetSocketAddress("127.0.0.1", 0),
                new MockOptions(0, 0, MockOptions.DEFAULT_RETRY_AFTER_MS, FaultPlan.none()));
        Path home = Path.of(System.getProperty("aegis.home", ".")).toAbsolutePath().normalize();
        AegisConfig config = ConfigLoader.load(config(home), home, name -> null);
        gateway = GatewayRuntime.start(config, ExchangeListener.NONE);
        String body = String.format(java.util.Locale.ROOT, BODY, stream ? "\"stream\":true," : "");
        toMock = RoundTrip.open(loops, transport, mock.address(), headers("mock-provider-key"), body);
        toGateway = RoundTrip.open(loops, transport, gateway.server().address(), headers(VIRTUAL_KEY), body);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        toMock.close();
        toGateway.close();
        gateway.close();
        mock.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

    @Benchmark
    public int direct() {
        return toMock.send();
    }

    @Benchmark
    public int throughGateway() {
        return toGateway.send();
    }

    private static HttpHeaders headers(String key) {
        return LoadBenchmark.headers(key, 32);
    }

    private Path config(Path home) throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, LoadBenchmark.RULES);
        String keyHash = "sha256:" + KeyDigest.hex(KeyDigest.current().sha256(VIRTUAL_KEY).clone());
        Path file = dir.resolve("bench.yaml");
        Files.writeString(file, String.join("\n", List.of(
                "gateway: { listen: \"127.0.0.1:0\", event_loops: 1 }",
                "data_dir: \"" + dir.resolve("data") + "\"",
                "pii: \"" + home.resolve("configs/pii.yaml") + "\"",
                "pricing: \"" + home.resolve("configs/pricing.yaml") + "\"",
                "rules: [\"" + rules + "\"]",
                "trace: { queue_dir: \"" + dir.resolve("trace") + "\" }",
                "providers:",
                "  anthropic: { base_url: \"" + mock.baseUrl() + "\", api_key: \"mock-provider-key\" }",
                "tenants:",
                "  - id: bench",
                "    keys: [\"" + keyHash + "\"]",
                "    pii_policy: { EMAIL: redact, CREDIT_CARD: block }",
                "    budget: { usd_per_day: 1000000 }",
                "    limits: { requests_per_minute: 100000000, tokens_per_minute: 1000000000 }",
                "")));
        return file;
    }

    /**
     * A keep-alive connection on which the benchmark thread sends one request and waits for the end of
     * its answer; the event loop wakes it.
     */
    static final class RoundTrip {
        private final Channel channel;
        private final HttpHeaders headers;
        private final ByteBuf body;
        private volatile Thread waiter;
        private volatile int status;
        private volatile boolean done;

        private RoundTrip(Channel channel, HttpHeaders headers, ByteBuf body) {
            this.channel = channel;
            this.headers = headers;
            this.body = body;
        }

        static RoundTrip open(EventLoopGroup group, NetworkTransport transport, InetSocketAddress target,
                              HttpHeaders headers, String body) throws InterruptedException {
            RoundTrip[] self = new RoundTrip[1];
            Channel channel = new Bootstrap().group(group).channel(transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec()).addLast(new SimpleChannelInboundHandler<HttpObject>() {
                                private int status;

                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                    if (msg instanceof HttpResponse) {
                                        status = ((HttpResponse) msg).status().code();
                                    }
                                    if (msg instanceof LastHttpContent) {
                                        self[0].answered(status);
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    self[0].answered(-1);
                                }
                            });
                        }
                    })
                    .connect(target).sync().channel();
            self[0] = new RoundTrip(channel, headers,
                    Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8)));
            return self[0];
        }

        int send() {
            done = false;
            waiter = Thread.currentThread();
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                    "/v1/messages", body.duplicate());
            request.headers().set(headers);
            request.headers().setInt("content-length", body.readableBytes());
            channel.writeAndFlush(request, channel.voidPromise());
            while (!done) {
                LockSupport.parkNanos(this, 1_000_000L);
            }
            if (status != 200) {
                throw new IllegalStateException("answered " + status);
            }
            return status;
        }

        private void answered(int code) {
            status = code;
            done = true;
            LockSupport.unpark(waiter);
        }

        void close() {
            channel.close().syncUninterruptibly();
        }
    }
}
