package io.aegis.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Counters written by one side and read from the file by another, while both are open. */
class CostCountersTest {
    @TempDir
    Path dir;

    @Test
    void anotherReaderSeesEveryTenantsCountersWhileTheyAreWritten() throws Exception {
        Path file = dir.resolve("counters.dat");
        try (CostCounters counters = CostCounters.create(file, List.of("acme", "beta"))) {
            Thread[] writers = new Thread[2];
            for (int t = 0; t < writers.length; t++) {
                writers[t] = new Thread(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        counters.add("acme", CostCounters.Metric.REQUESTS, 1);
                        counters.add("acme", CostCounters.Metric.COST_NANOS, 330_000);
                    }
                });
                writers[t].start();
            }
            for (Thread writer : writers) {
                writer.join();
            }
            counters.add("beta", CostCounters.Metric.REFUSED_BUDGET, 3);
            counters.add("nobody", CostCounters.Metric.REQUESTS, 1);
            Map<String, Map<CostCounters.Metric, Long>> read = CostCounters.read(file);
            assertEquals(20_000L, read.get("acme").get(CostCounters.Metric.REQUESTS));
            assertEquals(20_000L * 330_000, read.get("acme").get(CostCounters.Metric.COST_NANOS));
            assertEquals(3L, read.get("beta").get(CostCounters.Metric.REFUSED_BUDGET));
            assertEquals(0L, read.get("beta").get(CostCounters.Metric.REQUESTS));
            assertEquals(2, read.size(), "only configured tenants have counters");
        }
    }
}
