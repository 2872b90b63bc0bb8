package io.aegis.natives;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * One Netty transport that is known to work on this host: the I/O handler factory and the matching
 * channel classes, so callers never mix an epoll channel with an NIO event loop.
 *
 * @param name          the transport's name as written in config: {@code nio}, {@code epoll}, {@code io_uring}
 * @param ioHandlers    the factory of I/O handlers for event loops of this transport
 * @param serverChannel the listening channel class
 * @param clientChannel the connecting channel class
 * @param fallbackReason why a requested native transport was not used, or {@code null}
 */
public record NetworkTransport(
        String name,
        IoHandlerFactory ioHandlers,
        Class<? extends ServerChannel> serverChannel,
        Class<? extends SocketChannel> clientChannel,
        String fallbackReason) {

    /** Event loops of this transport, with threads named after {@code poolName} so stack dumps say who is who. */
    public EventLoopGroup newEventLoopGroup(int threads, String poolName) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(poolName, true), ioHandlers);
    }
}
