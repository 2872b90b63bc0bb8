package io.aegis.mock;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * A response the mock will play: status, headers and body pieces. A streamed script is sent with
 * chunked transfer, one piece per chunk, with the configured delay between pieces; a plain script is
 * sent as one body with a content length.
 */
final class MockScript {
    final HttpResponseStatus status;
    final HttpHeaders headers = new DefaultHttpHeaders();
    final List<byte[]> pieces = new ArrayList<>();
    final boolean streamed;

    MockScript(HttpResponseStatus status, String contentType, boolean streamed) {
        this.status = status;
        this.streamed = streamed;
        headers.set("content-type", contentType);
    }

    MockScript piece(byte[] bytes) {
        pieces.add(bytes);
        return this;
    }

    int bodyLength() {
        int length = 0;
        for (byte[] piece : pieces) {
            length += piece.length;
        }
        return length;
    }
}
