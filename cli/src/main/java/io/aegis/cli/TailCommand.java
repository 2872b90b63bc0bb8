package io.aegis.cli;

import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigException;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.gateway.dashboard.TraceFilter;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceFormat;
import io.aegis.trace.TraceReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * {@code aegis tail [--queue DIR] [--config F] [--follow] [--where EXPR] [--json]} (README, Commands): trace
 * events as lines (time, tenant, model, status, tokens, cost, latency, decision) or as the JSON of trace/README.md,
 * read with a tailer of its own, so the writer and the drainer are never disturbed. {@code --where}
 * is a CEL condition over the event's fields by their JSON names ({@code status >= 500 &&
 * tenant == "acme"}, {@code pii["EMAIL"] > 0}, {@code cost_usd > 0.01}).
 */
public final class TailCommand {
    private static final long FOLLOW_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final String USAGE = "usage: aegis tail [--queue DIR | --config FILE] [--follow] [--where EXPR] [--json]";

    private TailCommand() {
    }

    public static int run(List<String> args, Path projectRoot, PrintStream out, PrintStream err, BooleanSupplier stop) {
        Path queue = null;
        Path config = null;
        boolean follow = false;
        boolean json = false;
        String where = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--queue") && i + 1 < args.size()) {
                queue = Path.of(args.get(++i));
            } else if (arg.equals("--config") && i + 1 < args.size()) {
                config = Path.of(args.get(++i));
            } else if (arg.equals("--where") && i + 1 < args.size()) {
                where = args.get(++i);
            } else if (arg.equals("--follow") || arg.equals("-f")) {
                follow = true;
            } else if (arg.equals("--json")) {
                json = true;
            } else {
                err.println("aegis tail: unexpected argument '" + arg + "'; " + USAGE);
                return 2;
            }
        }
        if (queue == null) {
            try {
                AegisConfig loaded = ConfigLoader.load(config != null ? config : projectRoot.resolve("configs/aegis.yaml"),
                        projectRoot, System::getenv);
                queue = loaded.traceQueueDir();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return 2;
            }
        }
        if (!Files.isDirectory(queue)) {
            err.println(queue + ": no trace queue here yet (start the gateway, or pass --queue DIR)");
            return 2;
        }
        TraceFilter filter;
        try {
            filter = where == null ? null : new TraceFilter(where);
        } catch (IllegalArgumentException e) {
            err.println("aegis tail: --where: " + e.getMessage());
            return 2;
        }
        TraceEvent event = new TraceEvent();
        StringBuilder text = new StringBuilder();
        try (TraceReader reader = new TraceReader(queue)) {
            while (!stop.getAsBoolean()) {
                if (!reader.next(event)) {
                    if (!follow) {
                        return 0;
                    }
                    out.flush();
                    LockSupport.parkNanos(FOLLOW_POLL_NANOS);
                    continue;
                }
                if (filter != null && !filter.accepts(event)) {
                    continue;
                }
                if (json) {
                    TraceFormat.json(event, text);
                } else {
                    TraceFormat.line(event, text);
                }
                out.println(text);
            }
        }
        return 0;
    }
}
