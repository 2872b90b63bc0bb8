package io.aegis.trace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Deletes the queue's hourly files once they are both drained (every event in them is before the
 * drainer's checkpoint) and older than the retention period, so that {@code aegis tail} can still
 * look back that far. The file being written is never touched: only cycles that ended at least the
 * retention period ago qualify.
 */
public final class Retention {
    private static final RollCycle CYCLE = RollCycles.FAST_HOURLY;
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern(CYCLE.format().replace("'F'", "")
            .replace("'", ""));

    private Retention() {
    }

    /**
     * @param drainedIndex the queue index of the last event the drainer has checkpointed
     * @return how many files were deleted
     */
    public static int deleteDrained(Path queueDir, long drainedIndex, long keepMillis, long nowMillis) throws IOException {
        if (drainedIndex < 0) {
            return 0;
        }
        int drainedCycle = CYCLE.toCycle(drainedIndex);
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queueDir, "*.cq4")) {
            for (Path file : files) {
                long cycle = cycleOf(file.getFileName().toString());
                if (cycle < 0 || cycle >= drainedCycle) {
                    continue;
                }
                long endMillis = (cycle + 1) * CYCLE.lengthInMillis();
                if (endMillis + keepMillis <= nowMillis && Files.deleteIfExists(file)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            // The queue keeps its first and last cycle in its metadata: tell it the first is gone.
            try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(queueDir.toFile()).rollCycle(CYCLE).build()) {
                queue.refreshDirectoryListing();
            }
        }
        return deleted;
    }

    /** The cycle number a file name stands for ({@code 20261122-03F.cq4} → hours since the epoch), or -1. */
    static long cycleOf(String fileName) {
        String stem = fileName.endsWith(".cq4") ? fileName.substring(0, fileName.length() - 4) : fileName;
        if (stem.endsWith("F")) {
            stem = stem.substring(0, stem.length() - 1);
        }
        try {
            long millis = LocalDateTime.parse(stem, NAME).toInstant(ZoneOffset.UTC).toEpochMilli();
            return millis / CYCLE.lengthInMillis();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
