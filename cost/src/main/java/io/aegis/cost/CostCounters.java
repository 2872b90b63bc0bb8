package io.aegis.cost;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * Per-tenant usage counters in a memory-mapped file (Agrona's counters layout, as Aeron's
 * {@code cnc} file): the gateway adds to them on its event loops without locks, and any process
 * can read them while it runs ({@link #read}), as {@code AeronStat} reads Aeron's. The file holds
 * totals since the gateway started; money that must survive restarts is in the budgets.
 */
public final class CostCounters implements AutoCloseable {
    /** What is counted per tenant. */
    public enum Metric {
        REQUESTS, INPUT_TOKENS, OUTPUT_TOKENS, CACHE_READ_TOKENS, CACHE_WRITE_TOKENS, COST_NANOS, REFUSED_BUDGET,
        REFUSED_RATE;

        /** The counter type id in the file. */
        public int typeId() {
            return TYPE_ID_BASE + ordinal();
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final int TYPE_ID_BASE = 7_000;
    private static final int HEADER_LENGTH = 128;
    private static final long MAGIC = 0x4145474953434e54L; // "AEGISCNT"
    private static final int VERSION = 1;

    /** Room for tenants added while running (the control API), beyond those at start. */
    private static final int SPARE_TENANTS = 256;

    private final MappedByteBuffer mapped;
    private final CountersManager manager;
    /** Replaced whole when a tenant is added; the request path reads it once. */
    private volatile Map<String, AtomicCounter[]> byTenant;

    private CostCounters(MappedByteBuffer mapped, CountersManager manager, Map<String, AtomicCounter[]> byTenant) {
        this.mapped = mapped;
        this.manager = manager;
        this.byTenant = byTenant;
    }

    /**
     * Gives a tenant added while running its counters (false when the file has no room left: its
     * requests are then not counted here until the next start, which sizes the file anew).
     */
    public synchronized boolean ensureTenant(String tenant) {
        if (byTenant.containsKey(tenant)) {
            return true;
        }
        if (manager.available() < Metric.values().length) {
            return false;
        }
        Map<String, AtomicCounter[]> next = new HashMap<>(byTenant);
        next.put(tenant, allocate(manager, tenant));
        byTenant = Map.copyOf(next);
        return true;
    }

    /** A tenant's counters now (since this start), or {@code null} for a tenant without any. */
    public Map<Metric, Long> values(String tenant) {
        AtomicCounter[] metrics = byTenant.get(tenant);
        if (metrics == null) {
            return null;
        }
        Map<Metric, Long> out = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            out.put(metric, metrics[metric.ordinal()].get());
        }
        return out;
    }

    private static AtomicCounter[] allocate(CountersManager manager, String tenant) {
        AtomicCounter[] metrics = new AtomicCounter[Metric.values().length];
        for (Metric metric : Metric.values()) {
            metrics[metric.ordinal()] = manager.newCounter("aegis tenant " + tenant + " " + metric.label(),
                    metric.typeId(), key -> key.putStringUtf8(0, tenant));
        }
        return metrics;
    }

    /** Creates (or replaces) the counters file with every metric of every tenant at zero. */
    public static CostCounters create(Path file, List<String> tenants) {
        int counters = (tenants.size() + SPARE_TENANTS) * Metric.values().length;
        int valuesLength = align(counters * CountersReader.COUNTER_LENGTH);
        int metadataLength = valuesLength * (CountersReader.METADATA_LENGTH / CountersReader.COUNTER_LENGTH);
        File target = file.toFile();
        // Totals since this start: an older file (a previous run's) is replaced, not continued.
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(file + ": cannot replace the counters file", e);
        }
        MappedByteBuffer mapped = IoUtil.mapNewFile(target, (long) HEADER_LENGTH + metadataLength + valuesLength);
        UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        header.putInt(8, VERSION);
        header.putInt(12, metadataLength);
        header.putInt(16, valuesLength);
        CountersManager manager = new CountersManager(new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
                new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength), StandardCharsets.UTF_8);
        Map<String, AtomicCounter[]> byTenant = new HashMap<>();
        for (String tenant : tenants) {
            byTenant.put(tenant, allocate(manager, tenant));
        }
        // Written last: a reader that sees the magic sees a complete layout.
        header.putLongVolatile(0, MAGIC);
        return new CostCounters(mapped, manager, Map.copyOf(byTenant));
    }

    /** Adds to a tenant's metric; a tenant without counters is ignored. */
    public void add(String tenant, Metric metric, long delta) {
        AtomicCounter[] metrics = tenant == null ? null : byTenant.get(tenant);
        if (metrics != null && delta != 0) {
            metrics[metric.ordinal()].getAndAdd(delta);
        }
    }

    /**
     * Counts one finished request of {@code tenant} with one lookup: its usage, its cost, and
     * whether a budget or a rate limit refused it.
     */
    public void request(String tenant, long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
            long costNanos, boolean refusedByBudget, boolean refusedByRate) {
        AtomicCounter[] metrics = tenant == null ? null : byTenant.get(tenant);
        if (metrics == null) {
            return;
        }
        metrics[Metric.REQUESTS.ordinal()].increment();
        addIfAny(metrics[Metric.INPUT_TOKENS.ordinal()], inputTokens);
        addIfAny(metrics[Metric.OUTPUT_TOKENS.ordinal()], outputTokens);
        addIfAny(metrics[Metric.CACHE_READ_TOKENS.ordinal()], cacheReadTokens);
        addIfAny(metrics[Metric.CACHE_WRITE_TOKENS.ordinal()], cacheWriteTokens);
        addIfAny(metrics[Metric.COST_NANOS.ordinal()], costNanos);
        addIfAny(metrics[Metric.REFUSED_BUDGET.ordinal()], refusedByBudget ? 1 : 0);
        addIfAny(metrics[Metric.REFUSED_RATE.ordinal()], refusedByRate ? 1 : 0);
    }

    private static void addIfAny(AtomicCounter counter, long delta) {
        if (delta != 0) {
            counter.getAndAdd(delta);
        }
    }

    /**
     * Reads a counters file, from this or any other process, while it is being written:
     * tenant → metric → value.
     */
    public static Map<String, Map<Metric, Long>> read(Path file) {
        MappedByteBuffer mapped = IoUtil.mapExistingFile(file.toFile(), "aegis counters");
        try {
            UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            if (header.getLongVolatile(0) != MAGIC || header.getInt(8) != VERSION) {
                throw new IllegalArgumentException(file + ": not an Aegis counters file (or not finished yet)");
            }
            int metadataLength = header.getInt(12);
            int valuesLength = header.getInt(16);
            CountersReader reader = new CountersReader(new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
                    new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength), StandardCharsets.UTF_8);
            Map<String, Map<Metric, Long>> out = new LinkedHashMap<>();
            Metric[] metrics = Metric.values();
            reader.forEach((counterId, typeId, keyBuffer, label) -> {
                int index = typeId - TYPE_ID_BASE;
                if (index >= 0 && index < metrics.length) {
                    out.computeIfAbsent(keyBuffer.getStringUtf8(0), t -> new EnumMap<>(Metric.class))
                            .put(metrics[index], reader.getCounterValue(counterId));
                }
            });
            return out;
        } finally {
            IoUtil.unmap(mapped);
        }
    }

    private static int align(int length) {
        int page = 4096;
        return (length + page - 1) / page * page;
    }

    @Override
    public void close() {
        IoUtil.unmap(mapped);
    }
}
