package io.aegis.cli;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.aegis.gateway.config.AegisConfig;
import io.aegis.gateway.config.ConfigException;
import io.aegis.gateway.config.ConfigLoader;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceField;
import io.aegis.trace.TraceFormat;
import io.aegis.trace.TraceReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        Filter filter;
        try {
            filter = where == null ? null : new Filter(where);
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

    /** A CEL condition over an event's fields, by their JSON names (every field {@link TraceField} shows). */
    private static final class Filter {
        private static final CelCompiler COMPILER = declarations(CelCompilerFactory.standardCelCompilerBuilder());
        private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

        private final CelRuntime.Program program;

        Filter(String expression) {
            try {
                CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
                program = RUNTIME.createProgram(ast);
            } catch (CelValidationException e) {
                throw new IllegalArgumentException(e.getMessage());
            } catch (CelEvaluationException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }

        /** One variable per shown field, typed by its JSON shape. */
        private static CelCompiler declarations(dev.cel.compiler.CelCompilerBuilder builder) {
            for (TraceField field : TraceField.values()) {
                if (field.jsonName() != null) {
                    builder.addVar(field.jsonName(), celType(field.json()));
                }
            }
            return builder.build();
        }

        private static dev.cel.common.types.CelType celType(TraceField.Json json) {
            return switch (json) {
                case NUMBER, MICROS, MICROS_OR_NULL -> SimpleType.INT;
                case BOOL -> SimpleType.BOOL;
                case USD -> SimpleType.DOUBLE;
                case PII_COUNTS -> MapType.create(SimpleType.STRING, SimpleType.INT);
                case TEXT_LIST -> dev.cel.common.types.ListType.create(SimpleType.STRING);
                default -> SimpleType.STRING;
            };
        }

        boolean accepts(TraceEvent e) {
            Map<String, Object> vars = new HashMap<>();
            TraceFormat.values(e, vars::put);
            try {
                return Boolean.TRUE.equals(program.eval(vars));
            } catch (CelEvaluationException failed) {
                return false; // like a rule: a condition that errors (a missing pii key) does not match
            }
        }
    }
}
