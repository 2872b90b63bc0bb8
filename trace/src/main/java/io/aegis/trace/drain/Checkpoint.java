package io.aegis.trace.drain;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The drainer's durable state: the queue index of the last event aggregated, and the totals as
 * they stood right after it, in one file written atomically (write, fsync, rename). Restarting
 * from it re-reads only the events after that index and counts each exactly once.
 */
final class Checkpoint {
    private static final long MAGIC = 0x4145474953434b50L; // "AEGISCKP"
    /** 2: decisions without a rule counted apart; 3: a variant byte per counter; 4: upstream counters per series. */
    private static final int VERSION = 4;
    private static final String FILE = "drainer.checkpoint";

    final long index;
    final Totals totals;

    Checkpoint(long index, Totals totals) {
        this.index = index;
        this.totals = totals;
    }

    /** The last checkpoint in {@code dir}, or {@code null} when there is none. */
    static Checkpoint load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            long magic = in.readLong();
            int version = in.readInt();
            // Versions 2 and 3 are still read (see Totals.read).
            if (magic != MAGIC || version < 2 || version > VERSION) {
                throw new IOException(file + ": not a drainer checkpoint of this version; move it aside to rebuild"
                        + " the totals from the queue");
            }
            long index = in.readLong();
            return new Checkpoint(index, Totals.read(in, version));
        } catch (java.io.EOFException e) {
            throw new IOException(file + ": the checkpoint is cut short (damaged); move it aside to rebuild the totals"
                    + " from the queue", e);
        }
    }

    static void save(Path dir, long index, Totals totals) throws IOException {
        Files.createDirectories(dir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(bytes))) {
            out.writeLong(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(index);
            totals.write(out);
        }
        Path temp = dir.resolve(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
