package io.aegis.rules;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;

/** A canonical text of a checked sub-expression: equal texts are the same predicate, evaluated once. */
final class Render {
    private Render() {
    }

    static String of(CelExpr expr) {
        StringBuilder out = new StringBuilder();
        render(expr, out);
        return out.toString();
    }

    private static void render(CelExpr expr, StringBuilder out) {
        switch (expr.getKind()) {
            case CONSTANT: {
                CelConstant constant = expr.constant();
                switch (constant.getKind()) {
                    case STRING_VALUE:
                        out.append('"');
                        for (char c : constant.stringValue().toCharArray()) {
                            if (c == '"' || c == '\\') {
                                out.append('\\');
                            }
                            out.append(c);
                        }
                        out.append('"');
                        break;
                    case INT64_VALUE:
                        out.append(constant.int64Value());
                        break;
                    case DOUBLE_VALUE:
                        out.append(constant.doubleValue()).append('d');
                        break;
                    case BOOLEAN_VALUE:
                        out.append(constant.booleanValue());
                        break;
                    default:
                        out.append(constant);
                }
                break;
            }
            case IDENT:
                out.append(expr.ident().name());
                break;
            case SELECT:
                render(expr.select().operand(), out);
                out.append('.').append(expr.select().field());
                break;
            case LIST:
                out.append('[');
                for (CelExpr item : expr.list().elements()) {
                    render(item, out);
                    out.append(',');
                }
                out.append(']');
                break;
            case CALL: {
                CelExpr.CelCall call = expr.call();
                out.append(call.function()).append('(');
                if (call.target().isPresent()) {
                    render(call.target().get(), out);
                    out.append(';');
                }
                for (CelExpr arg : call.args()) {
                    render(arg, out);
                    out.append(',');
                }
                out.append(')');
                break;
            }
            default:
                out.append('#').append(expr.id());
        }
    }
}
