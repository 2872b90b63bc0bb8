package io.aegis.gateway.proxy;

import io.aegis.gateway.GatewayRuntime;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.gateway.cost.CostControls;
import io.aegis.gateway.pii.PiiInspector;
import io.aegis.gateway.rules.ActiveRules;
import io.aegis.gateway.testing.ManualClock;
import io.aegis.gateway.testing.TestGateway;
import io.aegis.gateway.upstream.UpstreamChannels;
import io.aegis.gateway.upstream.UpstreamConnections;
import io.aegis.gateway.upstream.UpstreamEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole client pipeline (reader, stages, relay, completion) on an {@link EmbeddedChannel}, with a
 * {@link ManualClock} for every time read and timer, and upstream connections that are embedded
 * channels the test answers by hand. Nothing touches a socket or waits on a wall clock, so a test
 * can say "at 399 ms no retry has gone out; at 400 ms it has".
 */
final class EmbeddedGateway implements AutoCloseable {
    static final String KEY = TestGateway.ACME_KEY;

    final ManualClock clock = new ManualClock();
    final Upstreams upstreams = new Upstreams();
    final List<Exchange> completed = new ArrayList<>();
    final List<String> attemptLogs = new ArrayList<>();
    final EmbeddedChannel client;
    private final StringBuilder received = new StringBuilder();
    private final PiiInspector pii;

    /** A gateway whose config has {@code providersYaml} (the {@code providers:} block's body, indented by two). */
    EmbeddedGateway(String providersYaml, Path dir) throws Exception {
        this(providersYaml, dir, name -> null);
    }

    /** The same, with environment variables the config may name (key pools). */
    EmbeddedGateway(String providersYaml, Path dir, java.util.function.Function<String, String> env) throws Exception {
        Path file = dir.resolve("aegis.yaml");
        Files.writeString(file, String.join("\n",
                "rules: []",
                "data_dir: \"" + dir.resolve("data") + "\"",
                "providers:",
                providersYaml,
                "tenants:",
                "  - id: acme",
                "    keys: [\"sha256:" + TestGateway.sha256(KEY) + "\"]",
                ""), StandardCharsets.UTF_8);
        Path root = Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();
        AegisConfig config = ConfigLoader.load(file, root, env::apply);
        pii = GatewayRuntime.piiInspector(config);
        CostControls costs = CostControls.of(GatewayRuntime.pricing(config), config.tenants(), config.limitClasses(),
                Map.of(), null, null, System.currentTimeMillis(), clock.nanoTime());
        client = new EmbeddedChannel();
        ProxyContext context = ProxyContext.of(config, UpstreamConnections.over(config.providers(), upstreams),
                new ProxyContext.Drain(), exchange -> {
                    completed.add(exchange);
                    attemptLogs.add(exchange.attempts().log().toString());
                }, pii, new ActiveRules(GatewayRuntime.ruleSet(config, pii.catalogue())), costs, null, null, clock);
        client.pipeline().addLast(new FrontendInitializer(context, 65536));
        client.pipeline().fireChannelActive();
    }

    /** Sends a request's bytes from the caller. */
    void send(String request) {
        client.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
    }

    /** What the caller has received so far, as text. */
    String received() {
        ByteBuf buf;
        while ((buf = client.readOutbound()) != null) {
            received.append(buf.toString(StandardCharsets.UTF_8));
            buf.release();
        }
        return received.toString();
    }

    static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nhost: gateway\r\nx-api-key: " + KEY + "\r\ncontent-type: application/json\r\n"
                + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    static String anthropicMessage() {
        return post("/v1/messages", "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
    }

    static FullHttpResponse json(int status, String body, String... headers) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set("content-type", "application/json");
        response.headers().setInt("content-length", response.content().readableBytes());
        for (int i = 0; i < headers.length; i += 2) {
            response.headers().set(headers[i], headers[i + 1]);
        }
        return response;
    }

    static FullHttpResponse anthropicAnswer() {
        return json(200, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}");
    }

    Exchange lastCompleted() {
        return completed.isEmpty() ? null : completed.get(completed.size() - 1);
    }

    @Override
    public void close() {
        client.finishAndReleaseAll();
        for (Connection connection : upstreams.opened) {
            connection.channel.finishAndReleaseAll();
        }
        pii.close();
    }

    /** One upstream connection the gateway asked for. */
    record Connection(UpstreamEndpoint endpoint, EmbeddedChannel channel) {
        /** The request the gateway wrote on it (released here; its headers and URI are kept). */
        FullHttpRequest request() {
            FullHttpRequest request = channel.readOutbound();
            if (request != null) {
                request.release();
            }
            return request;
        }

        /** The upstream answers. */
        void answer(Object... messages) {
            channel.writeInbound(messages);
        }

        boolean open() {
            return channel.isOpen();
        }
    }

    /** Upstream connections as embedded channels, one per acquire; none is ever refused unless asked. */
    static final class Upstreams implements UpstreamChannels {
        final List<Connection> opened = new ArrayList<>();
        final List<Channel> pooled = new ArrayList<>();
        private int refuse;

        /** The next {@code count} connects fail as a refused connection does. */
        void refuseNext(int count) {
            refuse = count;
        }

        @Override
        public ChannelFuture acquire(UpstreamEndpoint endpoint, int connectTimeoutMs) {
            EmbeddedChannel channel = new EmbeddedChannel();
            if (refuse > 0) {
                refuse--;
                return channel.newFailedFuture(new java.net.ConnectException("Connection refused"));
            }
            UpstreamConnections.installRelay(channel);
            opened.add(new Connection(endpoint, channel));
            return channel.newSucceededFuture();
        }

        @Override
        public void release(UpstreamEndpoint endpoint, Channel channel) {
            UpstreamConnections.unbind(channel);
            pooled.add(channel);
        }

        Connection get(int i) {
            return opened.get(i);
        }

        int count() {
            return opened.size();
        }
    }
}
