package io.aegis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer thread stuck on the disk: appends keep returning at once, refusals are counted as
 * dropped once the ring is full, and everything accepted reaches the queue once the disk recovers.
 */
class StalledDiskTest {
    @TempDir
    Path dir;

    @Test
    void aFullRingDropsAndCountsWithoutBlockingTheCaller() throws Exception {
        Path queue = dir.resolve("trace");
        CountDownLatch diskBack = new CountDownLatch(1);
        CountDownLatch writerStuck = new CountDownLatch(1);
        Runnable stalledDisk = () -> {
            writerStuck.countDown();
            try {
                diskBack.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        long accepted = 0;
        long refused = 0;
        try (TraceWriter writer = new TraceWriter(queue, null, 64 * 1024, stalledDisk)) {
            TraceEvent event = new TraceEvent();
            assertTrue(writer.append(TraceQueueTest.sample(event, 0)));
            accepted++;
            writerStuck.await();
            // The writer thread is now held inside its first document. A 64 KB ring holds a few
            // hundred events; 5,000 appends must overflow it, and every one must return.
            for (int i = 1; i <= 5000; i++) {
                if (writer.append(TraceQueueTest.sample(event, i))) {
                    accepted++;
                } else {
                    refused++;
                }
            }
            assertTrue(refused > 4000, "the ring filled and refused: " + refused);
            assertEquals(refused, writer.dropped(), "every refusal is counted");
            assertTrue(writer.pendingBytes() > 60 * 1024, "the ring is full: " + writer.pendingBytes());

            diskBack.countDown();
            assertTrue(writer.sync(10_000), "the writer catches up once the disk is back");
            assertEquals(accepted, writer.written());
            assertTrue(writer.append(TraceQueueTest.sample(event, 9999)), "appends are accepted again");
            accepted++;
            assertTrue(writer.sync(10_000));
            assertEquals(refused, writer.dropped(), "no drop after recovery");
        }
        long read = 0;
        try (TraceReader reader = new TraceReader(queue)) {
            TraceEvent event = new TraceEvent();
            long last = -1;
            while (reader.next(event)) {
                assertTrue(event.get(TraceField.TIMESTAMP) > last, "accepted events in order, once each");
                last = event.get(TraceField.TIMESTAMP);
                read++;
            }
        }
        assertEquals(accepted, read, "everything accepted is in the queue");
        assertFalse(accepted < 2, "some events were accepted behind the stall");
    }
}
