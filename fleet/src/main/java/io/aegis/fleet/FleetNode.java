package io.aegis.fleet;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.concurrent.NoOpLock;

/**
 * One member of the budget cluster: its media driver, archive, consensus module and the
 * {@link BudgetService}, with its log, snapshots and archive under {@code dir}. Member {@code n}
 * takes its client-facing endpoint from {@code fleet.cluster[n]} ({@code host:port}); the other
 * endpoints follow it: consensus {@code port+1}, log {@code port+2}, catch-up {@code port+3},
 * archive control {@code port+4}. Term buffers are 64 KB: budget messages are small.
 */
public final class FleetNode implements AutoCloseable {
    private static final String TERM = "term-length=64k";

    private final ClusteredMediaDriver driver;
    private final ClusteredServiceContainer container;
    private final BudgetService service;

    private FleetNode(ClusteredMediaDriver driver, ClusteredServiceContainer container, BudgetService service) {
        this.driver = driver;
        this.container = container;
        this.service = service;
    }

    /** The members string Aeron Cluster takes, for the client endpoints of every member in order. */
    public static String members(List<String> clientEndpoints) {
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < clientEndpoints.size(); n++) {
            String host = host(clientEndpoints.get(n));
            int port = port(clientEndpoints.get(n));
            out.append(n == 0 ? "" : "|").append(n).append(',')
                    .append(host).append(':').append(port).append(',')
                    .append(host).append(':').append(port + 1).append(',')
                    .append(host).append(':').append(port + 2).append(',')
                    .append(host).append(':').append(port + 3).append(',')
                    .append(host).append(':').append(port + 4);
        }
        return out.toString();
    }

    /** The embedded media driver of a client of the cluster (a gateway's lease client): 64 KB terms, a directory of its own. */
    static MediaDriver clientDriver() {
        return MediaDriver.launchEmbedded(new MediaDriver.Context().threadingMode(ThreadingMode.SHARED)
                .publicationTermBufferLength(64 * 1024).ipcTermBufferLength(64 * 1024)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
    }

    /** Connects a client through {@code driver} to the members whose client endpoints are {@code members}. */
    static AeronCluster connectClient(MediaDriver driver, List<String> members,
            EgressListener egress, long messageTimeoutNs) {
        return AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .egressListener(egress)
                .egressChannel("aeron:udp?endpoint=127.0.0.1:0|" + TERM)
                .ingressChannel("aeron:udp?" + TERM)
                .ingressEndpoints(ingressEndpoints(members))
                .messageTimeoutNs(messageTimeoutNs));
    }

    /** The ingress endpoints a client connects to: {@code 0=host:port,1=...}. */
    public static String ingressEndpoints(List<String> clientEndpoints) {
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < clientEndpoints.size(); n++) {
            out.append(n == 0 ? "" : ",").append(n).append('=').append(clientEndpoints.get(n));
        }
        return out.toString();
    }

    /**
     * Starts member {@code member} of the cluster whose members' client endpoints are
     * {@code clientEndpoints}. A member restarted after being killed finds its mark files still
     * marked active until their liveness runs out: it waits for that (up to 30 s) rather than fail.
     */
    public static FleetNode start(List<String> clientEndpoints, int member, Path dir) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return launch(clientEndpoints, member, dir);
            } catch (IllegalStateException e) {
                if (!String.valueOf(e.getMessage()).contains("active mark file") || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static FleetNode launch(List<String> clientEndpoints, int member, Path dir) {
        String endpoint = clientEndpoints.get(member);
        String host = host(endpoint);
        int port = port(endpoint);
        String aeronDir = dir.resolve("driver").toString();

        MediaDriver.Context mediaDriver = new MediaDriver.Context()
                .aeronDirectoryName(aeronDir)
                .threadingMode(ThreadingMode.SHARED)
                .termBufferSparseFile(true)
                .publicationTermBufferLength(64 * 1024)
                .ipcTermBufferLength(64 * 1024)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true);
        Archive.Context archive = new Archive.Context()
                .aeronDirectoryName(aeronDir)
                .archiveDir(dir.resolve("archive").toFile())
                .archiveId(member)
                .controlChannel("aeron:udp?endpoint=" + host + ":" + (port + 4) + "|" + TERM)
                .archiveClientContext(new AeronArchive.Context().controlResponseChannel(
                        "aeron:udp?endpoint=" + host + ":0|" + TERM))
                .localControlChannel("aeron:ipc?" + TERM)
                .replicationChannel("aeron:udp?endpoint=" + host + ":0|" + TERM)
                .recordingEventsEnabled(false)
                .threadingMode(ArchiveThreadingMode.SHARED);
        AeronArchive.Context archiveClient = new AeronArchive.Context()
                .lock(NoOpLock.INSTANCE)
                .controlRequestChannel(archive.localControlChannel())
                .controlRequestStreamId(archive.localControlStreamId())
                .controlResponseChannel(archive.localControlChannel())
                .aeronDirectoryName(aeronDir);
        ConsensusModule.Context consensus = new ConsensusModule.Context()
                .clusterMemberId(member)
                .clusterMembers(members(clientEndpoints))
                .clusterDir(dir.resolve("cluster").toFile())
                .archiveContext(archiveClient.clone())
                .serviceCount(1)
                .ingressChannel("aeron:udp?" + TERM)
                .logChannel("aeron:udp?" + TERM)
                .replicationChannel("aeron:udp?endpoint=" + host + ":0|" + TERM)
                // A dead leader is noticed in two seconds, not the default ten.
                .leaderHeartbeatTimeoutNs(TimeUnit.SECONDS.toNanos(2))
                .aeronDirectoryName(aeronDir);
        BudgetService service = new BudgetService();
        ClusteredServiceContainer.Context serviceContext = new ClusteredServiceContainer.Context()
                .aeronDirectoryName(aeronDir)
                .archiveContext(archiveClient.clone())
                .clusterDir(dir.resolve("cluster").toFile())
                .clusteredService(service)
                .serviceId(0);
        ClusteredMediaDriver driver = ClusteredMediaDriver.launch(mediaDriver, archive, consensus);
        try {
            return new FleetNode(driver, ClusteredServiceContainer.launch(serviceContext), service);
        } catch (RuntimeException e) {
            CloseHelper.quietClose(driver);
            throw e;
        }
    }

    public BudgetService service() {
        return service;
    }

    @Override
    public void close() {
        CloseHelper.closeAll(container, driver);
    }

    static String host(String endpoint) {
        return endpoint.substring(0, endpoint.lastIndexOf(':'));
    }

    static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
