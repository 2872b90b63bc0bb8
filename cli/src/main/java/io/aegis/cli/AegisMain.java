package io.aegis.cli;

import io.aegis.mock.MockFault;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * The {@code aegis} command: picks the command and hands it its arguments. Exit codes: 0 success,
 * 1 a check failed, 2 bad usage or unreadable input (README, Commands).
 */
public final class AegisMain {
    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 2;

    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: aegis COMMAND [options]",
            "",
            "  run [--config FILE] [--config-file-wins]",
            "                                 gateway, control API and the trace drainer",
            "  gateway --config FILE [--config-file-wins]",
            "                                 gateway and control API, without the drainer",
            "  drain [--config F]             the AITrace drainer: aggregates the trace queue, /metrics",
            "  tail [--queue DIR | --config F] [--follow] [--where EXPR] [--json]",
            "                                 print trace events (lines, or JSON); --where is CEL",
            "  rules check FILE...            compile rule files; every problem as FILE:LINE:COL: message",
            "  rules test FILE... --cases CASES.yaml",
            "                                 run expected-decision cases",
            "  rules eval FILE...             decide request descriptions (JSON lines on stdin)",
            "  pii scan [--jsonl] [--catalogue FILE]",
            "                                 find PII in text on stdin (offsets in UTF-16 code units)",
            "  hash-key                       read a virtual key on stdin, print sha256:<hex> for config",
            "  cluster-node --config F --member N|all",
            "                                 member N of the budget cluster the config's fleet names",
            "  mock-upstream --port N [--host H] [--latency-ms N] [--chunk-delay-ms N]",
            "                [--faults SPEC] [--retry-after-ms N] [--seed N]",
            "                                 local Anthropic + Gemini stand-in",
            "",
            "FILE defaults to configs/aegis.yaml under the project root. --config-file-wins applies the file's",
            "edited rules, tenants and sampling even over control API changes made since the file's last version.",
            "Fault SPEC: comma-separated NAME or NAME@SHARE, NAME one of: " + MockFault.names());

    private AegisMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err);
        if (code != EXIT_OK) {
            System.exit(code);
        }
    }

    /** Runs a command; long-running commands return only when stopped. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? EXIT_USAGE : EXIT_OK;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        try {
            switch (args[0]) {
                case "run":
                case "gateway":
                    return GatewayCommand.run(args[0], rest, out, err);
                case "drain":
                    return DrainCommand.run(rest, out, err);
                case "tail":
                    return TailCommand.run(rest, Services.projectRoot(), out, err, () -> false);
                case "rules":
                    return RulesCommand.run(rest, Services.projectRoot(), in, out, err);
                case "pii":
                    if (!rest.isEmpty() && rest.get(0).equals("scan")) {
                        return PiiScanCommand.run(rest.subList(1, rest.size()), Services.projectRoot(), in, out, err);
                    }
                    err.println("aegis pii: usage: aegis pii scan [--jsonl] [--catalogue FILE]");
                    return EXIT_USAGE;
                case "hash-key":
                    return HashKeyCommand.run(in, out, err);
                case "mock-upstream":
                    return MockUpstreamCommand.run(rest, out, err);
                case "cluster-node":
                    return ClusterNodeCommand.run(rest, out, err);
                default:
                    err.println("aegis: unknown command '" + args[0] + "'");
                    err.println(USAGE);
                    return EXIT_USAGE;
            }
        } catch (UsageException e) {
            err.println("aegis " + args[0] + ": " + e.getMessage());
            return EXIT_USAGE;
        }
    }
}
