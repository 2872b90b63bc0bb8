package io.aegis.fleet;

import io.aeron.cluster.service.Cluster;
import java.nio.file.Path;
import java.util.List;

/**
 * One budget cluster member as a process of its own: {@code ENDPOINTS MEMBER DIR}, endpoints
 * comma-separated. Prints {@code role LEADER|FOLLOWER|CANDIDATE} as its role changes, so a
 * supervisor (or a test) can tell which process leads. {@code aegis cluster-node} is the command
 * operators run; this is the bare form.
 */
public final class FleetNodeMain {
    private FleetNodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<String> endpoints = List.of(args[0].split(","));
        FleetNode node = FleetNode.start(endpoints, Integer.parseInt(args[1]), Path.of(args[2]));
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        Cluster.Role last = null;
        while (true) {
            Cluster.Role role = node.service().role();
            if (role != last) {
                System.out.println("role " + role);
                System.out.flush();
                last = role;
            }
            Thread.sleep(20);
        }
    }
}
