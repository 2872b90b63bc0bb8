package io.aegis.natives;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class NetworkTransportsTest {

    @Test
    void nioIsAlwaysAvailableAndHasNoFallbackReason() {
        NetworkTransport nio = NetworkTransports.select("nio");
        assertEquals("nio", nio.name());
        assertNull(nio.fallbackReason());
    }

    @Test
    void autoPicksEpollWhenItLoadsAndExplainsOtherwise() {
        NetworkTransport auto = NetworkTransports.select("auto");
        if (Epoll.isAvailable()) {
            assertEquals("epoll", auto.name());
            assertNull(auto.fallbackReason());
        } else {
            assertEquals("nio", auto.name());
            assertTrue(auto.fallbackReason().startsWith("epoll unavailable"));
        }
    }

    @Test
    void ioUringRequestFallsBackWithAReason() {
        NetworkTransport uring = NetworkTransports.select("io_uring");
        if (IoUring.isAvailable()) {
            assertEquals("io_uring", uring.name());
        } else {
            assertEquals("nio", uring.name());
            assertNotNull(uring.fallbackReason());
        }
    }

    @Test
    void unknownNameIsRejectedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkTransports.select("kqueue"));
        assertTrue(e.getMessage().contains("auto, epoll, io_uring or nio"), e.getMessage());
    }

    @Test
    void chosenTransportCanListenAndConnect() throws Exception {
        for (String name : new String[] {"auto", "io_uring", "nio"}) {
            NetworkTransport transport = NetworkTransports.select(name);
            EventLoopGroup group = transport.newEventLoopGroup(1, "transport-test");
            try {
                Channel server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                            }
                        })
                        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                Channel client = new Bootstrap().group(group).channel(transport.clientChannel())
                        .handler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                            }
                        })
                        .connect(server.localAddress()).sync().channel();
                assertTrue(client.isActive(), transport.name() + " client should be connected");
                client.close().sync();
                server.close().sync();
            } finally {
                group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            }
        }
    }
}
