package io.aegis.natives;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the Netty transport for a requested name. A native transport that cannot load on this host
 * is never an error: the choice falls back to NIO and carries the reason, which is logged once.
 */
public final class NetworkTransports {
    /** Config value that picks the best transport known to be stable: epoll if it loads, else NIO. */
    public static final String AUTO = "auto";

    private static final Logger LOG = LoggerFactory.getLogger(NetworkTransports.class);

    private NetworkTransports() {
    }

    /**
     * The transport for {@code requested} ({@code auto}, {@code epoll}, {@code io_uring} or {@code nio}).
     *
     * @throws IllegalArgumentException for a name that is none of these
     */
    public static NetworkTransport select(String requested) {
        String name = requested == null ? AUTO : requested.trim().toLowerCase(Locale.ROOT);
        switch (name) {
            case "nio":
                return nio(null);
            case "epoll":
            case AUTO:
                // epoll is the mature native transport; io_uring stays opt-in until it has run in production here.
                return epollOrNio();
            case "io_uring":
            case "iouring":
                return ioUringOrNio();
            default:
                throw new IllegalArgumentException(
                        "unknown transport '" + requested + "': use auto, epoll, io_uring or nio");
        }
    }

    /** Logs the chosen transport once, with the reason when a native one was refused. */
    public static void logChoice(NetworkTransport transport) {
        if (transport.fallbackReason() == null) {
            LOG.info("network transport: {}", transport.name());
        } else {
            LOG.info("network transport: {} ({})", transport.name(), transport.fallbackReason());
        }
    }

    private static NetworkTransport epollOrNio() {
        if (Epoll.isAvailable()) {
            return new NetworkTransport("epoll", EpollIoHandler.newFactory(),
                    EpollServerSocketChannel.class, EpollSocketChannel.class, null);
        }
        return nio("epoll unavailable: " + describe(Epoll.unavailabilityCause()));
    }

    private static NetworkTransport ioUringOrNio() {
        if (IoUring.isAvailable()) {
            return new NetworkTransport("io_uring", IoUringIoHandler.newFactory(),
                    IoUringServerSocketChannel.class, IoUringSocketChannel.class, null);
        }
        return nio("io_uring unavailable: " + describe(IoUring.unavailabilityCause()));
    }

    private static NetworkTransport nio(String reason) {
        return new NetworkTransport("nio", NioIoHandler.newFactory(),
                NioServerSocketChannel.class, NioSocketChannel.class, reason);
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "no reason given";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
