package io.aegis.gateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on a plain blocking socket, for behaviour the mock cannot show (a slow reader's
 * stalled writes, a dropped pooled connection, bytes that are not HTTP). Each connection runs the
 * handler on a daemon thread of its own and is closed when the handler returns.
 */
public final class FakeUpstream implements AutoCloseable {
    /** Serves one connection; {@code number} counts connections from 1. */
    @FunctionalInterface
    public interface Handler {
        void serve(Socket socket, int number) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    private FakeUpstream(ServerSocket server) {
        this.server = server;
    }

    public static FakeUpstream start(Handler handler) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        FakeUpstream upstream = new FakeUpstream(server);
        Thread acceptor = new Thread(() -> upstream.accept(handler), "fake-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        return upstream;
    }

    private void accept(Handler handler) {
        try {
            while (true) {
                Socket socket = server.accept();
                int number = connections.incrementAndGet();
                Thread worker = new Thread(() -> {
                    try (socket) {
                        handler.serve(socket, number);
                    } catch (IOException gone) {
                        // The peer closed: what the test checks is on the gateway's side.
                    }
                }, "fake-upstream-" + number);
                worker.setDaemon(true);
                worker.start();
            }
        } catch (IOException closed) {
            // close() ends the accept loop.
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
