package io.aegis.gateway.dashboard;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceField;
import io.aegis.trace.TraceFormat;
import java.util.HashMap;
import java.util.Map;

/**
 * A CEL condition over a trace event's fields, by their JSON names (every field {@link TraceField}
 * shows): {@code status >= 500 && tenant == "acme"}, {@code pii["EMAIL"] > 0}. The same language for
 * {@code aegis tail --where} and the dashboard's live tail. A compiled filter is immutable and may be
 * shared by threads.
 */
public final class TraceFilter {
    private static final CelCompiler COMPILER = declarations(CelCompilerFactory.standardCelCompilerBuilder());
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final CelRuntime.Program program;

    /** Compiles {@code expression}; an {@link IllegalArgumentException} says what is wrong with it. */
    public TraceFilter(String expression) {
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

    /** Whether {@code e} matches; a condition that fails to evaluate does not. */
    public boolean accepts(TraceEvent e) {
        Map<String, Object> vars = new HashMap<>();
        TraceFormat.values(e, vars::put);
        try {
            return Boolean.TRUE.equals(program.eval(vars));
        } catch (CelEvaluationException failed) {
            return false; // like a rule: a condition that errors (a missing pii key) does not match
        }
    }
}
