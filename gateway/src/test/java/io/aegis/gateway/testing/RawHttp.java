package io.aegis.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately plain HTTP/1.1 client over a socket, for requests no well-behaved client would send
 * (bad framing, oversized heads) and for reading exactly what came back, including a cut body.
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** One parsed response. {@code complete} is false when the connection ended mid-body. */
    public record Response(int status, Map<String, String> headers, String body, boolean complete) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** A POST with a JSON body and the given extra header lines (each ending in CRLF). */
    public static String post(String path, String headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\ncontent-type: application/json\r\n"
                + headers + "content-length: " + bytes.length + "\r\n\r\n" + body;
    }

    /** Reads one response: head, then a body framed by content-length, chunks, or the connection's end. */
    public Response read() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = line()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        if (status == 100) {
            return new Response(status, headers, "", true);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete = true;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            complete = false;
            String size;
            while ((size = line()) != null) {
                int length = Integer.parseInt(size.trim(), 16);
                if (length == 0) {
                    line();
                    complete = true;
                    break;
                }
                byte[] chunk = in.readNBytes(length);
                body.write(chunk);
                if (chunk.length < length || line() == null) {
                    break;
                }
            }
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            byte[] bytes = in.readNBytes(length);
            body.write(bytes);
            complete = bytes.length == length;
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8), complete);
    }

    /** Blocks until the first response byte has arrived, without consuming it. */
    public void waitForResponseStart() throws IOException {
        in.mark(1);
        if (in.read() < 0) {
            throw new IOException("connection closed before a response");
        }
        in.reset();
    }

    /** True when the server closed the connection (reads end of stream) within the socket timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // A reset is a close too.
            return true;
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
