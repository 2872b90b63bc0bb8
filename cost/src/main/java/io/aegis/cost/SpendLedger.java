package io.aegis.cost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Settled spend mirrored into a memory-mapped file as it happens, so that a gateway killed with
 * {@code kill -9} loses nothing: every settlement is an atomic add to a page the kernel keeps
 * after the process is gone. (A power cut can lose what the kernel had not written back; the
 * fsynced snapshots cover that, a second at a time.) One record per budget scope:
 * <pre>
 *   int nameLength, name (UTF-8, up to 180 bytes), then at 192: long dayStartMs, long daySettledNanos,
 *   long monthStartMs, long monthSettledNanos
 * </pre>
 * Opening reads what the previous run left, then writes a fresh file for this run's scopes.
 */
public final class SpendLedger implements AutoCloseable {
    private static final int RECORD_LENGTH = 256;
    private static final int HEADER_LENGTH = 64;
    private static final int NAME_MAX = 180;
    private static final int VALUES_AT = 192;
    private static final long MAGIC = 0x4145474953504e44L; // "AEGISPND"

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final Map<String, Slot> slots;
    private final Map<String, long[]> recovered;

    private SpendLedger(MappedByteBuffer mapped, Map<String, Slot> slots, Map<String, long[]> recovered) {
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
        this.slots = slots;
        this.recovered = recovered;
    }

    /** One scope's two windows in the file. */
    public static final class Slot {
        private final UnsafeBuffer buffer;
        private final int at;

        Slot(UnsafeBuffer buffer, int at) {
            this.buffer = buffer;
            this.at = at;
        }

        void begin(boolean daily, long startMillis, long settledNanos) {
            int offset = at + VALUES_AT + (daily ? 0 : 16);
            buffer.putLongVolatile(offset + 8, settledNanos);
            buffer.putLongVolatile(offset, startMillis);
        }

        void add(boolean daily, long nanos) {
            buffer.getAndAddLong(at + VALUES_AT + (daily ? 0 : 16) + 8, nanos);
        }
    }

    /**
     * Reads the ledger a previous run left at {@code file} (if any) and replaces it with one for
     * {@code scopes}, each starting from what was recovered for its current windows.
     */
    public static SpendLedger open(Path file, List<String> scopes) {
        Map<String, long[]> recovered = Files.exists(file) ? read(file) : new HashMap<>();
        Path fresh = file.resolveSibling(file.getFileName() + ".new");
        try {
            Files.deleteIfExists(fresh);
        } catch (IOException e) {
            throw new UncheckedIOException(fresh + ": cannot replace", e);
        }
        MappedByteBuffer mapped = IoUtil.mapNewFile(fresh.toFile(), HEADER_LENGTH + (long) RECORD_LENGTH * Math.max(1, scopes.size()));
        UnsafeBuffer buffer = new UnsafeBuffer(mapped);
        Map<String, Slot> slots = new HashMap<>();
        for (int i = 0; i < scopes.size(); i++) {
            int at = HEADER_LENGTH + i * RECORD_LENGTH;
            byte[] name = scopes.get(i).getBytes(StandardCharsets.UTF_8);
            if (name.length > NAME_MAX) {
                throw new IllegalArgumentException("budget scope name too long for the spend ledger: " + scopes.get(i));
            }
            buffer.putInt(at, name.length);
            buffer.putBytes(at + 4, name);
            long[] before = recovered.get(scopes.get(i));
            if (before != null) {
                buffer.putLong(at + VALUES_AT, before[0]);
                buffer.putLong(at + VALUES_AT + 8, before[1]);
                buffer.putLong(at + VALUES_AT + 16, before[2]);
                buffer.putLong(at + VALUES_AT + 24, before[3]);
            }
            slots.put(scopes.get(i), new Slot(buffer, at));
        }
        buffer.putInt(8, scopes.size());
        buffer.putLongVolatile(0, MAGIC);
        mapped.force();
        try {
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            IoUtil.unmap(mapped);
            throw new UncheckedIOException(file + ": cannot put the spend ledger in place", e);
        }
        return new SpendLedger(mapped, Map.copyOf(slots), recovered);
    }

    /** Scope → {day start ms, day settled nanos, month start ms, month settled nanos}, as a file holds them. */
    public static Map<String, long[]> read(Path file) {
        Map<String, long[]> out = new HashMap<>();
        MappedByteBuffer mapped = IoUtil.mapExistingFile(file.toFile(), "aegis spend ledger");
        try {
            UnsafeBuffer buffer = new UnsafeBuffer(mapped);
            if (buffer.capacity() < HEADER_LENGTH || buffer.getLongVolatile(0) != MAGIC) {
                throw new IllegalStateException(file + ": not an Aegis spend ledger");
            }
            int count = buffer.getInt(8);
            for (int i = 0; i < count; i++) {
                int at = HEADER_LENGTH + i * RECORD_LENGTH;
                int length = buffer.getInt(at);
                byte[] name = new byte[length];
                buffer.getBytes(at + 4, name);
                out.put(new String(name, StandardCharsets.UTF_8), new long[] {
                    buffer.getLongVolatile(at + VALUES_AT), buffer.getLongVolatile(at + VALUES_AT + 8),
                    buffer.getLongVolatile(at + VALUES_AT + 16), buffer.getLongVolatile(at + VALUES_AT + 24)});
            }
        } finally {
            IoUtil.unmap(mapped);
        }
        return out;
    }

    /** What the previous run left: scope → {day start, day settled, month start, month settled}. */
    public Map<String, long[]> recovered() {
        return recovered;
    }

    /** The slot of a scope opened with this ledger, or {@code null}. */
    public Slot slot(String scope) {
        return slots.get(scope);
    }

    /** The settled spend a previous run left for {@code scope}'s windows current at {@code nowMillis}: {day, month}. */
    public long[] settledNow(String scope, long nowMillis) {
        long[] before = recovered.get(scope);
        if (before == null) {
            return new long[2];
        }
        return new long[] {
            before[0] == Budget.dayStartMillis(nowMillis) ? before[1] : 0,
            before[2] == Budget.monthStartMillis(nowMillis) ? before[3] : 0};
    }

    @Override
    public void close() {
        mapped.force();
        IoUtil.unmap(mapped);
    }
}
