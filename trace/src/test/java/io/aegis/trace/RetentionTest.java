package io.aegis.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aegis.trace.drain.Drainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drained hourly files past the retention period go; the rest, and anything not drained, stays. */
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void onlyDrainedFilesOlderThanTheRetentionAreDeleted() throws Exception {
        Path queue = dir.resolve("trace");
        long now = Instant.parse("2026-11-22T10:30:00Z").toEpochMilli();
        SetTimeProvider clock = new SetTimeProvider(now - TimeUnit.HOURS.toMillis(5));
        TraceEvent event = new TraceEvent();
        try (TraceWriter writer = new TraceWriter(queue, clock)) {
            for (int hoursAgo : new int[] {5, 4, 1, 0}) {
                clock.currentTimeMillis(now - TimeUnit.HOURS.toMillis(hoursAgo));
                for (int i = 0; i < 10; i++) {
                    event.clear().set(TraceField.TENANT, "acme");
                    writer.append(event);
                }
                // The writer thread stamps the hour as it writes: let it finish this hour's events.
                assertEquals(true, writer.sync(10_000));
            }
        }
        assertEquals(4, files(queue));
        long drainedIndex;
        try (Drainer drainer = new Drainer(queue, dir.resolve("state"), 1000)) {
            assertEquals(40, drainer.drainAvailable());
        }
        try (TraceReader reader = new TraceReader(queue)) {
            while (reader.next(event)) {
                // to the end: the index of the last event
            }
            drainedIndex = reader.index();
        }
        // Keep two hours: the files of 5 and 4 hours ago ended more than two hours ago and go.
        assertEquals(2, Retention.deleteDrained(queue, drainedIndex, TimeUnit.HOURS.toMillis(2), now));
        assertEquals(2, files(queue));
        int left = 0;
        try (TraceReader reader = new TraceReader(queue)) {
            while (reader.next(event)) {
                left++;
            }
        }
        assertEquals(20, left, "the last two hours are still there to tail");
        assertEquals(0, Retention.deleteDrained(queue, -1, 0, now), "nothing drained, nothing deleted");
    }

    private static long files(Path queue) throws Exception {
        try (Stream<Path> list = Files.list(queue)) {
            return list.filter(p -> p.toString().endsWith(".cq4")).count();
        }
    }
}
