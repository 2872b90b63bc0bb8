package io.aegis.gateway.config;

import java.net.InetSocketAddress;

/** A {@code host:port} to listen on; port 0 asks the OS for a free one. */
public record ListenAddress(String host, int port) {
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** Parses {@code host:port} or {@code [v6]:port}; returns {@code null} when malformed. */
    static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return port < 0 || port > 65535 || host.isEmpty() ? null : new ListenAddress(host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
