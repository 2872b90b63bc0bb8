package io.aegis.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Reading requests on a plain blocking socket, for fake upstreams that must misbehave in exact ways. */
public final class PlainHttpRequests {
    private PlainHttpRequests() {
    }

    /** Reads one request (head, then a content-length body); false when the connection ended first. */
    public static boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(Locale.ROOT);
        int at = lower.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
            if (in.readNBytes(length).length < length) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of a complete 200 response with a JSON body. */
    public static byte[] okJson(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length + "\r\n\r\n"
                + json).getBytes(StandardCharsets.UTF_8);
    }
}
