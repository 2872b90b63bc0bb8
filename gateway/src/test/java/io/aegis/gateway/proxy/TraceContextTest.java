package io.aegis.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TraceContextTest {
    @Test
    void validTraceparentKeepsTraceIdAndFlags() {
        TraceContext trace = new TraceContext();
        trace.begin("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", trace.traceId());
        assertNotEquals("00f067aa0ba902b7", trace.spanId());
        assertTrue(trace.outbound().matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00"), trace.outbound());
    }

    @Test
    void invalidTraceparentsStartANewTrace() {
        for (String bad : new String[] {null, "", "garbage", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"}) {
            TraceContext trace = new TraceContext();
            trace.begin(bad);
            assertTrue(trace.outbound().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), trace.outbound());
            assertFalse(trace.traceId().equals("4bf92f3577b34da6a3ce929d0e0e4736"));
        }
    }
}
