package io.aegis.gateway.pii;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.gateway.testing.RawHttp;
import io.aegis.gateway.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bodies at the limit: one exactly as large as allowed is scanned and redacted to its last byte. */
class MaximumBodyTest {
    private static final int LIMIT = 8 * 1024 * 1024;

    private static String bodyOfExactly(int bytes, String tail) {
        String head = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"";
        String end = tail + "\"}]}";
        int filler = bytes - head.length() - end.length();
        StringBuilder body = new StringBuilder(bytes).append(head);
        String words = "lorem ipsum dolor sit amet 2024-03-15 order 345 ";
        while (body.length() < head.length() + filler) {
            body.append(words, 0, Math.min(words.length(), head.length() + filler - body.length()));
        }
        return body.append(end).toString();
    }

    @Test
    void aBodyAtTheLimitIsScannedToItsEndAndOneByteMoreIsRefused() throws Exception {
        try (TestGateway gateway = TestGateway.builder().maxRequestBytes(LIMIT)
                .acmePiiPolicy("{EMAIL: redact}").start()) {
            String atLimit = bodyOfExactly(LIMIT, " write to last@example.com");
            assertEquals(LIMIT, atLimit.getBytes(StandardCharsets.UTF_8).length);
            try (RawHttp http = new RawHttp(gateway.port())) {
                RawHttp.Response response = http.send(RawHttp.post("/v1/messages",
                        "x-api-key: " + TestGateway.ACME_KEY + "\r\n", atLimit)).read();
                assertEquals(200, response.status(), response.body());
                // The redacted body is shorter by exactly the difference between the value and its placeholder.
                assertEquals(String.valueOf(LIMIT - "last@example.com".length() + "[EMAIL_1]".length()),
                        response.header("x-mock-received-content-length"));
            }
            TestGateway.Completed done = gateway.nextCompleted();
            assertTrue(done.redacted());
            assertEquals(1, done.piiFindings());

            // One byte more is refused from its declared length, before the body is read.
            try (RawHttp http = new RawHttp(gateway.port())) {
                assertEquals(413, http.send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nx-api-key: "
                        + TestGateway.ACME_KEY + "\r\ncontent-length: " + (LIMIT + 1) + "\r\n\r\n{\"model\"")
                        .read().status());
            }
            gateway.nextCompleted();
        }
    }
}
