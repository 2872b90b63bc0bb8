package io.aegis.cli;

import io.aegis.fleet.FleetNode;
import io.aegis.gateway.config.AegisConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code aegis cluster-node --config F --member N}: member N of the budget cluster the config's
 * {@code fleet} names, its log, snapshots and archive under {@code DATA_DIR/cluster/N}.
 * {@code --member all} runs every member in this one process (a cluster on one machine, for a
 * demo or a test; a real fleet runs each member on its own host).
 */
final class ClusterNodeCommand {
    private ClusterNodeCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        CommandOptions options = new CommandOptions(args);
        String configArg = options.value("--config");
        String member = options.value("--member");
        options.rejectLeftovers();
        AegisConfig config = Services.loadConfig(Services.configFile(configArg), err);
        if (config == null) {
            return AegisMain.EXIT_USAGE;
        }
        if (config.fleet() == null) {
            err.println("aegis cluster-node: " + config.file() + " has no fleet block (fleet: {cluster: [...], gateway_id: ...})");
            return AegisMain.EXIT_USAGE;
        }
        List<String> members = config.fleet().cluster();
        List<Integer> which = new ArrayList<>();
        if ("all".equals(member)) {
            for (int n = 0; n < members.size(); n++) {
                which.add(n);
            }
        } else {
            int n;
            try {
                n = Integer.parseInt(member == null ? "" : member);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n >= members.size()) {
                err.println("aegis cluster-node: --member must be 0 to " + (members.size() - 1) + " or all");
                return AegisMain.EXIT_USAGE;
            }
            which.add(n);
        }
        List<FleetNode> nodes = new ArrayList<>();
        try {
            for (int n : which) {
                nodes.add(FleetNode.start(members, n, config.dataDir().resolve("cluster").resolve(String.valueOf(n))));
                out.println("aegis budget cluster member " + n + " on " + members.get(n));
            }
            out.flush();
            Services.runUntilShutdown(() -> nodes.forEach(FleetNode::close), out);
            return AegisMain.EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AegisMain.EXIT_OK;
        } catch (RuntimeException e) {
            nodes.forEach(FleetNode::close);
            err.println("aegis cluster-node: cannot start: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return AegisMain.EXIT_USAGE;
        }
    }
}
