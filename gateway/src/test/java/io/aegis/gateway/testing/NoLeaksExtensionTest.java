package io.aegis.gateway.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leak check itself must be able to fail: a deliberately leaked buffer is reported. */
class NoLeaksExtensionTest {

    @Test
    void suiteRunsWithParanoidLeakDetection() {
        assertTrue(ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID,
                "the suite must run with -Dio.netty.leakDetectionLevel=paranoid, got " + ResourceLeakDetector.getLevel());
    }

    @Test
    void aLeakedBufferIsReported() {
        NoLeaksExtension.collect();
        leakOne();
        List<String> leaks = NoLeaksExtension.collect();
        assertFalse(leaks.isEmpty(), "a buffer that was never released must be reported");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(42);
        // Dropped without release on purpose.
    }
}
