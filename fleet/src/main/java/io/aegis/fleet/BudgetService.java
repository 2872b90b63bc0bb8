package io.aegis.fleet;

import io.aegis.cost.fleet.LeaseLedger;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The lease ledger as an Aeron Cluster service: every member applies the same messages in log
 * order, with the log's timestamps as the only clock, so every member holds the same ledger; the
 * leader's answers reach the gateways. A snapshot is the ledger's stable form, so a member that
 * restarts loads it and replays the log after it.
 */
public final class BudgetService implements ClusteredService {
    private LeaseLedger ledger = new LeaseLedger();
    private final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(256);
    /** The message being applied (a flyweight: the service runs on one thread). */
    private final UnsafeBuffer in = new UnsafeBuffer(0, 0);
    private Cluster cluster;
    private IdleStrategy idle;
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile boolean fromSnapshot;

    @Override
    public void onStart(Cluster cluster, Image snapshotImage) {
        this.cluster = cluster;
        this.idle = cluster.idleStrategy();
        if (snapshotImage != null) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (!snapshotImage.isEndOfStream()) {
                int fragments = snapshotImage.poll((buffer, offset, length, header) -> {
                    byte[] chunk = new byte[length];
                    buffer.getBytes(offset, chunk);
                    bytes.writeBytes(chunk);
                }, 16);
                idle.idle(fragments);
            }
            try {
                ledger = LeaseLedger.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable budget snapshot", e);
            }
            fromSnapshot = true;
        }
    }

    @Override
    public void onSessionOpen(ClientSession session, long timestamp) {
    }

    @Override
    public void onSessionClose(ClientSession session, long timestamp, CloseReason closeReason) {
    }

    @Override
    public void onSessionMessage(ClientSession session, long timestamp, DirectBuffer buffer, int offset, int length,
                                 Header header) {
        in.wrap(buffer, offset, length);
        switch (in.getByte(0)) {
            case LeaseMessages.LIMIT -> ledger.limit(LeaseMessages.string(in, 17), in.getLong(1), in.getLong(9), timestamp);
            case LeaseMessages.GRANT -> {
                long correlationId = in.getLong(1);
                long want = in.getLong(9);
                long ttl = in.getLong(17);
                long known = in.getLong(25);
                String scope = LeaseMessages.string(in, 33);
                String gateway = LeaseMessages.string(in, LeaseMessages.after(in, 33));
                long granted = ledger.grant(scope, gateway, want, known, timestamp, ttl);
                if (session != null) {
                    int size = LeaseMessages.granted(reply, correlationId, scope, granted, timestamp + ttl);
                    // Followers' offers go nowhere; the leader's reach the gateway. A full egress only
                    // delays the answer: the gateway asks again, and the ledger stays exact either way.
                    for (int tries = 0; tries < 3 && session.offer(reply, 0, size) < 0; tries++) {
                        idle.idle();
                    }
                }
            }
            case LeaseMessages.REPORT -> {
                String scope = LeaseMessages.string(in, 17);
                String gateway = LeaseMessages.string(in, LeaseMessages.after(in, 17));
                ledger.report(scope, gateway, in.getLong(1), in.getLong(9), timestamp);
            }
            default -> {
                // An unknown message from a newer gateway: ignored by every member alike.
            }
        }
    }

    @Override
    public void onTimerEvent(long correlationId, long timestamp) {
    }

    @Override
    public void onTakeSnapshot(ExclusivePublication snapshotPublication) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ledger.write(new DataOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] all = bytes.toByteArray();
        int chunk = Math.max(1, snapshotPublication.maxPayloadLength());
        for (int from = 0; from < all.length; from += chunk) {
            UnsafeBuffer piece = new UnsafeBuffer(all, from, Math.min(chunk, all.length - from));
            while (snapshotPublication.offer(piece) < 0) {
                idle.idle();
            }
        }
    }

    @Override
    public void onRoleChange(Cluster.Role newRole) {
        role = newRole;
    }

    /** True when this member started from a snapshot (then replayed the log after it). */
    public boolean startedFromSnapshot() {
        return fromSnapshot;
    }

    /** This member's role now: the leader answers gateways. */
    public Cluster.Role role() {
        return role;
    }

    @Override
    public void onTerminate(Cluster cluster) {
    }

    /** The ledger this member holds (tests read it; only on the service's thread while it runs). */
    public LeaseLedger ledger() {
        return ledger;
    }
}
