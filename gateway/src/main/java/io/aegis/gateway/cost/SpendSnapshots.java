package io.aegis.gateway.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.cost.Budget;
import io.aegis.cost.SpendWindow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settled spend survives a restart: every second (off the event loops) the current windows'
 * settled spend is written to {@code DATA_DIR/spend.json} (write, fsync, rename) when it changed,
 * and once more on close; start-up reads it back for the windows that are still current. A crash
 * can lose at most the last second of settlements.
 */
public final class SpendSnapshots implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpendSnapshots.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FILE = "spend.json";

    private final Path file;
    private final CostControls controls;
    private final ScheduledExecutorService writer;
    private String lastWritten = "";

    private SpendSnapshots(Path file, CostControls controls) {
        this.file = file;
        this.controls = controls;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "aegis-spend-snapshots");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Settled spend by budget scope (a tenant, or a tenant's model or key) for the windows current at
     * {@code nowMillis}: {day, month} nano-dollars.
     */
    public static Map<String, long[]> load(Path dataDir, long nowMillis) {
        Map<String, long[]> spent = new HashMap<>();
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return spent;
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            long dayStart = Budget.dayStartMillis(nowMillis);
            long monthStart = Budget.monthStartMillis(nowMillis);
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("budgets").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> tenant = it.next();
                JsonNode day = tenant.getValue().path("day");
                JsonNode month = tenant.getValue().path("month");
                spent.put(tenant.getKey(), new long[] {
                    day.path("start_ms").asLong(-1) == dayStart ? day.path("settled_nanos").asLong() : 0,
                    month.path("start_ms").asLong(-1) == monthStart ? month.path("settled_nanos").asLong() : 0});
            }
        } catch (IOException e) {
            // A budget that silently restarted from zero would be an overspend waiting to happen.
            throw new IllegalStateException(file + ": cannot read the spend snapshot (" + e.getMessage()
                    + "); fix or remove it knowingly", e);
        }
        return spent;
    }

    public static SpendSnapshots start(Path dataDir, CostControls controls) throws IOException {
        Files.createDirectories(dataDir);
        SpendSnapshots snapshots = new SpendSnapshots(dataDir.resolve(FILE), controls);
        snapshots.writer.scheduleWithFixedDelay(snapshots::writeQuietly, 1, 1, TimeUnit.SECONDS);
        return snapshots;
    }

    /** Writes the current settled spend now if it changed since the last write. */
    public synchronized void write() throws IOException {
        long now = System.currentTimeMillis();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode tenants = root.putObject("budgets");
        for (Map.Entry<String, Budget> scoped : new java.util.TreeMap<>(controls.budgets()).entrySet()) {
            Budget budget = scoped.getValue();
            ObjectNode entry = tenants.putObject(scoped.getKey());
            window(entry.putObject("day"), budget.today(now));
            window(entry.putObject("month"), budget.thisMonth(now));
        }
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        if (text.equals(lastWritten)) {
            return;
        }
        Path temp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        lastWritten = text;
    }

    private void writeQuietly() {
        try {
            write();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the spend snapshot {}: {}", file, e.getClass().getSimpleName());
        }
    }

    private static void window(ObjectNode node, SpendWindow window) {
        node.put("start_ms", window.startMillis());
        node.put("settled_nanos", window.settledNanos());
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeQuietly();
    }
}
