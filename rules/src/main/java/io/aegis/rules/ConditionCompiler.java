package io.aegis.rules;

import io.aegis.yaml.Suggestions;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one checked CEL condition into {@link Nodes}: the request path evaluates these, never the
 * syntax tree. Shared predicates get one memo slot for the whole rule set; PII type names, prompt
 * patterns and CIDR ranges are resolved here, once. Forms outside the rule language are reported
 * at their position with what to write instead.
 */
final class ConditionCompiler {
    /** A problem at a CEL expression id. */
    record Problem(long exprId, String message) {
    }

    private final List<String> piiTypes;
    /** Shared across the rule set: predicate text → memo slot. */
    private final Map<String, Integer> predicates;
    private final List<String> promptPatterns;
    private final List<com.google.re2j.Pattern> attributeRegexes;
    private final List<Problem> problems = new ArrayList<>();
    private CelAbstractSyntaxTree ast;

    ConditionCompiler(List<String> piiTypes, Map<String, Integer> predicates, List<String> promptPatterns,
            List<com.google.re2j.Pattern> attributeRegexes) {
        this.piiTypes = piiTypes;
        this.predicates = predicates;
        this.promptPatterns = promptPatterns;
        this.attributeRegexes = attributeRegexes;
    }

    /** The compiled form of {@code expr} (part of {@code checked}), or {@code null} with {@link #problems()} filled in. */
    Nodes.Bool compile(CelAbstractSyntaxTree checked, CelExpr expr) {
        this.ast = checked;
        problems.clear();
        Nodes.Bool result = bool(expr);
        return problems.isEmpty() ? result : null;
    }

    List<Problem> problems() {
        return problems;
    }

    // ---- predicates

    private Nodes.Bool bool(CelExpr expr) {
        switch (expr.getKind()) {
            case CONSTANT: {
                byte value = Nodes.of(expr.constant().booleanValue());
                return (request, evaluation) -> value;
            }
            case IDENT:
                if (expr.ident().name().equals("stream")) {
                    return (request, evaluation) -> Nodes.of(request.stream());
                }
                break;
            case CALL:
                return call(expr);
            default:
                break;
        }
        return unsupported(expr, "this expression");
    }

    private Nodes.Bool call(CelExpr expr) {
        CelExpr.CelCall call = expr.call();
        List<CelExpr> args = call.args();
        switch (call.function()) {
            case "_&&_":
                return Nodes.and(bool(args.get(0)), bool(args.get(1)));
            case "_||_":
                return Nodes.or(bool(args.get(0)), bool(args.get(1)));
            case "!_":
                return Nodes.not(bool(args.get(0)));
            case "_?_:_": {
                Nodes.Bool condition = bool(args.get(0));
                Nodes.Bool then = bool(args.get(1));
                Nodes.Bool otherwise = bool(args.get(2));
                return (request, evaluation) -> {
                    byte c = condition.test(request, evaluation);
                    return c == Evaluation.ERROR ? c : c == Evaluation.TRUE ? then.test(request, evaluation)
                            : otherwise.test(request, evaluation);
                };
            }
            default:
                return shared(expr, predicate(expr));
        }
    }

    /** A predicate that is not a logical connective: one memo slot per distinct text in the rule set. */
    private Nodes.Bool shared(CelExpr expr, Nodes.Bool predicate) {
        if (predicate == null) {
            return null;
        }
        String key = Render.of(expr);
        int id = predicates.computeIfAbsent(key, k -> predicates.size());
        return Nodes.memo(id, predicate);
    }

    private Nodes.Bool predicate(CelExpr expr) {
        CelExpr.CelCall call = expr.call();
        List<CelExpr> args = call.args();
        CelExpr target = call.target().orElse(null);
        switch (call.function()) {
            case "_==_":
            case "_!=_":
            case "_<_":
            case "_<=_":
            case "_>_":
            case "_>=_":
                return comparison(expr, call.function(), args.get(0), args.get(1));
            case "@in":
                return membership(expr, args.get(0), args.get(1));
            case "startsWith":
            case "endsWith":
            case "contains": {
                Nodes.Text subject = text(target);
                Nodes.Text part = text(args.get(0));
                String function = call.function();
                return (request, evaluation) -> {
                    String s = subject.value(request, evaluation);
                    String p = part.value(request, evaluation);
                    if (s == null || p == null) {
                        return Evaluation.ERROR;
                    }
                    return Nodes.of(function.equals("startsWith") ? s.startsWith(p)
                            : function.equals("endsWith") ? s.endsWith(p) : s.contains(p));
                };
            }
            case "matches":
                if (target != null && isIdent(target, "prompt")) {
                    String regex = constantString(args.get(0), "prompt.matches takes a regex in quotes");
                    if (regex == null) {
                        return null;
                    }
                    if (!validRegex(args.get(0), regex)) {
                        return null;
                    }
                    int id = promptPatterns.indexOf(regex);
                    if (id < 0) {
                        id = promptPatterns.size();
                        promptPatterns.add(regex);
                    }
                    int pattern = id;
                    return (request, evaluation) -> Nodes.of(request.promptMatches(pattern));
                }
                // s.matches(re), or the global form matches(s, re).
                return target != null ? attributeMatches(target, args.get(0)) : attributeMatches(args.get(0), args.get(1));
            case "has":
            case "count":
                return piiCall(expr, call);
            case "any": {
                List<Integer> types = piiTypeList(args.get(0));
                if (types == null) {
                    return null;
                }
                int[] indexes = types.stream().mapToInt(Integer::intValue).toArray();
                return (request, evaluation) -> {
                    for (int type : indexes) {
                        if (request.piiCount(type) > 0) {
                            return Evaluation.TRUE;
                        }
                    }
                    return Evaluation.FALSE;
                };
            }
            case Attributes.IP_IN: {
                Nodes.Text address = text(target);
                String cidr = constantString(args.get(0), "ip.in takes a CIDR range in quotes, such as \"10.0.0.0/8\"");
                if (cidr == null) {
                    return null;
                }
                IpRange range = IpRange.parse(cidr);
                if (range == null) {
                    problems.add(new Problem(args.get(0).id(), "'" + cidr + "' is not a CIDR range such as \"10.0.0.0/8\" or \"fd00::/8\""));
                    return null;
                }
                return (request, evaluation) -> {
                    String ip = address.value(request, evaluation);
                    if (ip == null) {
                        return Evaluation.ERROR;
                    }
                    return Nodes.of(range.contains(ip, evaluation.ipScratch));
                };
            }
            default:
                return unsupported(expr, "'" + call.function() + "'");
        }
    }

    private Nodes.Bool attributeMatches(CelExpr target, CelExpr pattern) {
        Nodes.Text subject = text(target);
        String regex = constantString(pattern, "matches takes a regex in quotes");
        if (subject == null || regex == null || !validRegex(pattern, regex)) {
            return null;
        }
        int id = attributeRegexes.size();
        attributeRegexes.add(com.google.re2j.Pattern.compile(regex));
        return (request, evaluation) -> {
            String s = subject.value(request, evaluation);
            if (s == null) {
                return Evaluation.ERROR;
            }
            return Nodes.of(evaluation.matcher(id, s).find());
        };
    }

    private boolean validRegex(CelExpr at, String regex) {
        try {
            com.google.re2j.Pattern.compile(regex);
            return true;
        } catch (PatternSyntaxException e) {
            problems.add(new Problem(at.id(), "not a valid regular expression: " + e.getDescription()));
            return false;
        }
    }

    private Nodes.Bool piiCall(CelExpr expr, CelExpr.CelCall call) {
        String name = constantString(call.args().get(0), "pii." + call.function() + " takes a PII type name in quotes, such as \"EMAIL\"");
        if (name == null) {
            return null;
        }
        int type = piiType(call.args().get(0), name);
        if (type < 0) {
            return null;
        }
        if (call.function().equals("count")) {
            // pii.count(T) on its own is an int, not a predicate.
            return unsupported(expr, "pii.count(...) here");
        }
        return (request, evaluation) -> Nodes.of(request.piiCount(type) > 0);
    }

    private Nodes.Bool comparison(CelExpr expr, String function, CelExpr left, CelExpr right) {
        CelKind kind = kindOf(left);
        if (kind != kindOf(right)) {
            return unsupported(expr, "comparing " + kindName(kindOf(left)) + " with " + kindName(kindOf(right)));
        }
        switch (kind) {
            case INT: {
                Nodes.Int a = integer(left);
                Nodes.Int b = integer(right);
                if (a == null || b == null) {
                    return null;
                }
                switch (function) {
                    case "_==_": return (r, e) -> { long x = a.value(r, e); long y = b.value(r, e); return Nodes.checked(e, x == y); };
                    case "_!=_": return (r, e) -> { long x = a.value(r, e); long y = b.value(r, e); return Nodes.checked(e, x != y); };
                    case "_<_": return (r, e) -> { long x = a.value(r, e); long y = b.value(r, e); return Nodes.checked(e, x < y); };
                    case "_<=_": return (r, e) -> { long x = a.value(r, e); long y = b.value(r, e); return Nodes.checked(e, x <= y); };
                    case "_>_": return (r, e) -> { long x = a.value(r, e); long y = b.value(r, e); return Nodes.checked(e, x > y); };
                    default: return (r, e) -> { long x = a.value(r, e); long y = b.value(r, e); return Nodes.checked(e, x >= y); };
                }
            }
            case DOUBLE: {
                Nodes.Real a = real(left);
                Nodes.Real b = real(right);
                if (a == null || b == null) {
                    return null;
                }
                switch (function) {
                    case "_==_": return (r, e) -> { double x = a.value(r, e); double y = b.value(r, e); return Nodes.checked(e, x == y); };
                    case "_!=_": return (r, e) -> { double x = a.value(r, e); double y = b.value(r, e); return Nodes.checked(e, x != y); };
                    case "_<_": return (r, e) -> { double x = a.value(r, e); double y = b.value(r, e); return Nodes.checked(e, x < y); };
                    case "_<=_": return (r, e) -> { double x = a.value(r, e); double y = b.value(r, e); return Nodes.checked(e, x <= y); };
                    case "_>_": return (r, e) -> { double x = a.value(r, e); double y = b.value(r, e); return Nodes.checked(e, x > y); };
                    default: return (r, e) -> { double x = a.value(r, e); double y = b.value(r, e); return Nodes.checked(e, x >= y); };
                }
            }
            case STRING: {
                Nodes.Text a = text(left);
                Nodes.Text b = text(right);
                if (a == null || b == null) {
                    return null;
                }
                switch (function) {
                    case "_==_": return (r, e) -> { String x = a.value(r, e); String y = b.value(r, e); return x == null || y == null ? Evaluation.ERROR : Nodes.of(x.equals(y)); };
                    case "_!=_": return (r, e) -> { String x = a.value(r, e); String y = b.value(r, e); return x == null || y == null ? Evaluation.ERROR : Nodes.of(!x.equals(y)); };
                    case "_<_": return (r, e) -> { String x = a.value(r, e); String y = b.value(r, e); return x == null || y == null ? Evaluation.ERROR : Nodes.of(x.compareTo(y) < 0); };
                    case "_<=_": return (r, e) -> { String x = a.value(r, e); String y = b.value(r, e); return x == null || y == null ? Evaluation.ERROR : Nodes.of(x.compareTo(y) <= 0); };
                    case "_>_": return (r, e) -> { String x = a.value(r, e); String y = b.value(r, e); return x == null || y == null ? Evaluation.ERROR : Nodes.of(x.compareTo(y) > 0); };
                    default: return (r, e) -> { String x = a.value(r, e); String y = b.value(r, e); return x == null || y == null ? Evaluation.ERROR : Nodes.of(x.compareTo(y) >= 0); };
                }
            }
            case BOOL: {
                Nodes.Bool a = bool(left);
                Nodes.Bool b = bool(right);
                if (a == null || b == null) {
                    return null;
                }
                boolean equal = function.equals("_==_");
                if (!equal && !function.equals("_!=_")) {
                    return unsupported(expr, "ordering true and false");
                }
                return (r, e) -> {
                    byte x = a.test(r, e);
                    byte y = b.test(r, e);
                    return x == Evaluation.ERROR || y == Evaluation.ERROR ? Evaluation.ERROR : Nodes.of((x == y) == equal);
                };
            }
            default:
                return unsupported(expr, "comparing " + kindName(kind) + " values");
        }
    }

    private Nodes.Bool membership(CelExpr expr, CelExpr element, CelExpr collection) {
        if (isIdent(collection, "header")) {
            String name = constantString(element, "'in header' takes a header name in quotes");
            if (name == null) {
                return null;
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            return (request, evaluation) -> Nodes.of(request.header(lower) != null);
        }
        if (collection.getKind() != CelExpr.ExprKind.Kind.LIST) {
            return unsupported(expr, "'in' over anything but a list written out, such as [\"a\", \"b\"], or header");
        }
        CelKind kind = kindOf(element);
        if (kind == CelKind.STRING) {
            Set<String> values = new HashSet<>();
            for (CelExpr item : collection.list().elements()) {
                String value = constantString(item, "lists in rules hold values in quotes");
                if (value == null) {
                    return null;
                }
                values.add(value);
            }
            Nodes.Text subject = text(element);
            if (subject == null) {
                return null;
            }
            Set<String> set = Set.copyOf(values);
            return (request, evaluation) -> {
                String s = subject.value(request, evaluation);
                return s == null ? Evaluation.ERROR : Nodes.of(set.contains(s));
            };
        }
        if (kind == CelKind.INT) {
            long[] values = new long[collection.list().elements().size()];
            for (int i = 0; i < values.length; i++) {
                CelExpr item = collection.list().elements().get(i);
                if (item.getKind() != CelExpr.ExprKind.Kind.CONSTANT) {
                    return unsupported(item, "lists in rules hold constants");
                }
                values[i] = item.constant().int64Value();
            }
            Nodes.Int subject = integer(element);
            if (subject == null) {
                return null;
            }
            return (request, evaluation) -> {
                long x = subject.value(request, evaluation);
                if (evaluation.failed) {
                    evaluation.failed = false;
                    return Evaluation.ERROR;
                }
                for (long value : values) {
                    if (value == x) {
                        return Evaluation.TRUE;
                    }
                }
                return Evaluation.FALSE;
            };
        }
        return unsupported(expr, "'in' over " + kindName(kind) + " values");
    }

    // ---- values

    private Nodes.Text text(CelExpr expr) {
        if (expr == null) {
            return null;
        }
        switch (expr.getKind()) {
            case CONSTANT: {
                String value = expr.constant().stringValue();
                return (request, evaluation) -> value;
            }
            case IDENT:
                switch (expr.ident().name()) {
                    case "provider": return (request, evaluation) -> request.provider();
                    case "model": return (request, evaluation) -> request.model();
                    case "tenant": return (request, evaluation) -> request.tenant();
                    case "key_id": return (request, evaluation) -> request.keyId();
                    case "path": return (request, evaluation) -> request.path();
                    case "method": return (request, evaluation) -> request.method();
                    default: break;
                }
                break;
            case SELECT:
                if (field(expr, "client", "string")) {
                    return (request, evaluation) -> request.clientIp();
                }
                return null;
            case CALL: {
                CelExpr.CelCall call = expr.call();
                if (call.function().equals("_[_]") && isIdent(call.args().get(0), "header")) {
                    String name = constantString(call.args().get(1), "header[...] takes a header name in quotes");
                    if (name == null) {
                        return null;
                    }
                    String lower = name.toLowerCase(java.util.Locale.ROOT);
                    return (request, evaluation) -> request.header(lower);
                }
                if (call.function().equals("_?_:_")) {
                    Nodes.Bool condition = bool(call.args().get(0));
                    Nodes.Text then = text(call.args().get(1));
                    Nodes.Text otherwise = text(call.args().get(2));
                    if (condition == null || then == null || otherwise == null) {
                        return null;
                    }
                    return (request, evaluation) -> {
                        byte c = condition.test(request, evaluation);
                        return c == Evaluation.ERROR ? null : c == Evaluation.TRUE ? then.value(request, evaluation)
                                : otherwise.value(request, evaluation);
                    };
                }
                break;
            }
            default:
                break;
        }
        unsupported(expr, "this text value");
        return null;
    }

    private Nodes.Int integer(CelExpr expr) {
        switch (expr.getKind()) {
            case CONSTANT: {
                if (expr.constant().getKind() != CelConstant.Kind.INT64_VALUE) {
                    break;
                }
                long value = expr.constant().int64Value();
                return (request, evaluation) -> value;
            }
            case SELECT: {
                if (!field(expr, null, "int")) {
                    return null;
                }
                String name = expr.select().operand().ident().name() + "." + expr.select().field();
                switch (name) {
                    case "tokens.input": return (request, evaluation) -> request.inputTokens();
                    case "tokens.max_output": return (request, evaluation) -> request.maxOutputTokens();
                    default: return (request, evaluation) -> request.hourUtc();
                }
            }
            case CALL: {
                CelExpr.CelCall call = expr.call();
                List<CelExpr> args = call.args();
                switch (call.function()) {
                    case "count": {
                        String name = constantString(args.get(0), "pii.count takes a PII type name in quotes, such as \"EMAIL\"");
                        int type = name == null ? -1 : piiType(args.get(0), name);
                        if (type < 0) {
                            return null;
                        }
                        return (request, evaluation) -> request.piiCount(type);
                    }
                    case "size": {
                        CelExpr operand = call.target().isPresent() ? call.target().get() : args.get(0);
                        if (kindOf(operand) != CelKind.STRING) {
                            break;
                        }
                        Nodes.Text subject = text(operand);
                        if (subject == null) {
                            return null;
                        }
                        return (request, evaluation) -> {
                            String s = subject.value(request, evaluation);
                            if (s == null) {
                                evaluation.failed = true;
                                return 0;
                            }
                            return s.codePointCount(0, s.length());
                        };
                    }
                    case "-_": {
                        Nodes.Int a = integer(args.get(0));
                        return a == null ? null : (r, e) -> Nodes.negate(a.value(r, e), e);
                    }
                    case "_+_":
                    case "_-_":
                    case "_*_":
                    case "_/_":
                    case "_%_": {
                        Nodes.Int a = integer(args.get(0));
                        Nodes.Int b = integer(args.get(1));
                        if (a == null || b == null) {
                            return null;
                        }
                        switch (call.function()) {
                            case "_+_": return (r, e) -> Nodes.addExact(a.value(r, e), b.value(r, e), e);
                            case "_-_": return (r, e) -> Nodes.subtractExact(a.value(r, e), b.value(r, e), e);
                            case "_*_": return (r, e) -> Nodes.multiplyExact(a.value(r, e), b.value(r, e), e);
                            case "_/_": return (r, e) -> Nodes.divide(a.value(r, e), b.value(r, e), e);
                            default: return (r, e) -> Nodes.modulo(a.value(r, e), b.value(r, e), e);
                        }
                    }
                    case "_?_:_": {
                        Nodes.Bool condition = bool(args.get(0));
                        Nodes.Int then = integer(args.get(1));
                        Nodes.Int otherwise = integer(args.get(2));
                        if (condition == null || then == null || otherwise == null) {
                            return null;
                        }
                        return (r, e) -> {
                            byte c = condition.test(r, e);
                            if (c == Evaluation.ERROR) {
                                e.failed = true;
                                return 0;
                            }
                            return c == Evaluation.TRUE ? then.value(r, e) : otherwise.value(r, e);
                        };
                    }
                    default:
                        break;
                }
                break;
            }
            default:
                break;
        }
        unsupported(expr, "this number");
        return null;
    }

    private Nodes.Real real(CelExpr expr) {
        switch (expr.getKind()) {
            case CONSTANT: {
                if (expr.constant().getKind() != CelConstant.Kind.DOUBLE_VALUE) {
                    break;
                }
                double value = expr.constant().doubleValue();
                return (request, evaluation) -> value;
            }
            case SELECT: {
                if (!field(expr, null, "double")) {
                    return null;
                }
                String group = expr.select().operand().ident().name();
                return group.equals("cost") ? (request, evaluation) -> request.costEstimateUsd()
                        : (request, evaluation) -> request.budgetRemainingFraction();
            }
            case CALL: {
                CelExpr.CelCall call = expr.call();
                List<CelExpr> args = call.args();
                switch (call.function()) {
                    case "-_": {
                        Nodes.Real a = real(args.get(0));
                        return a == null ? null : (r, e) -> -a.value(r, e);
                    }
                    case "_+_":
                    case "_-_":
                    case "_*_":
                    case "_/_": {
                        Nodes.Real a = real(args.get(0));
                        Nodes.Real b = real(args.get(1));
                        if (a == null || b == null) {
                            return null;
                        }
                        switch (call.function()) {
                            case "_+_": return (r, e) -> a.value(r, e) + b.value(r, e);
                            case "_-_": return (r, e) -> a.value(r, e) - b.value(r, e);
                            case "_*_": return (r, e) -> a.value(r, e) * b.value(r, e);
                            default: return (r, e) -> a.value(r, e) / b.value(r, e);
                        }
                    }
                    case "_?_:_": {
                        Nodes.Bool condition = bool(args.get(0));
                        Nodes.Real then = real(args.get(1));
                        Nodes.Real otherwise = real(args.get(2));
                        if (condition == null || then == null || otherwise == null) {
                            return null;
                        }
                        return (r, e) -> {
                            byte c = condition.test(r, e);
                            if (c == Evaluation.ERROR) {
                                e.failed = true;
                                return 0;
                            }
                            return c == Evaluation.TRUE ? then.value(r, e) : otherwise.value(r, e);
                        };
                    }
                    default:
                        break;
                }
                break;
            }
            default:
                break;
        }
        unsupported(expr, "this number");
        return null;
    }

    // ---- helpers

    /**
     * Whether {@code expr} selects a known field of a grouped attribute ({@code group}, or any when
     * null) of the given kind; reports an unknown field with the nearest valid name.
     */
    private boolean field(CelExpr expr, String group, String kind) {
        CelExpr.CelSelect select = expr.select();
        if (select.operand().getKind() != CelExpr.ExprKind.Kind.IDENT) {
            unsupported(expr, "this field");
            return false;
        }
        String name = select.operand().ident().name();
        Map<String, String> fields = Attributes.GROUPS.get(name);
        if (fields == null || (group != null && !group.equals(name))) {
            unsupported(expr, "'" + name + "." + select.field() + "'");
            return false;
        }
        if (!fields.containsKey(select.field())) {
            List<String> known = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> g : Attributes.GROUPS.entrySet()) {
                for (String f : g.getValue().keySet()) {
                    known.add(g.getKey() + "." + f);
                }
            }
            problems.add(new Problem(expr.id(), "unknown attribute '" + name + "." + select.field() + "'"
                    + Suggestions.didYouMean(name + "." + select.field(), known)));
            return false;
        }
        if (!fields.get(select.field()).equals(kind)) {
            unsupported(expr, "'" + name + "." + select.field() + "' as " + kind);
            return false;
        }
        return true;
    }

    private int piiType(CelExpr at, String name) {
        int type = piiTypes.indexOf(name);
        if (type < 0) {
            problems.add(new Problem(at.id(), "unknown PII type '" + name + "'" + Suggestions.didYouMean(name, piiTypes)
                    + "; known: " + String.join(", ", piiTypes)));
        }
        return type;
    }

    private List<Integer> piiTypeList(CelExpr list) {
        if (list.getKind() != CelExpr.ExprKind.Kind.LIST) {
            unsupported(list, "pii.any over anything but a list written out, such as [\"EMAIL\", \"PHONE\"]");
            return null;
        }
        List<Integer> types = new ArrayList<>();
        for (CelExpr item : list.list().elements()) {
            String name = constantString(item, "pii.any takes PII type names in quotes");
            int type = name == null ? -1 : piiType(item, name);
            if (type < 0) {
                return null;
            }
            types.add(type);
        }
        return types;
    }

    private String constantString(CelExpr expr, String what) {
        if (expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE) {
            return expr.constant().stringValue();
        }
        problems.add(new Problem(expr.id(), what));
        return null;
    }

    private static boolean isIdent(CelExpr expr, String name) {
        return expr.getKind() == CelExpr.ExprKind.Kind.IDENT && expr.ident().name().equals(name);
    }

    private CelKind kindOf(CelExpr expr) {
        CelType type = ast.getType(expr.id()).orElse(null);
        return type == null ? CelKind.ERROR : type.kind();
    }

    private static String kindName(CelKind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    private Nodes.Bool unsupported(CelExpr expr, String what) {
        problems.add(new Problem(expr.id(), what + " is not supported in rules (conditions compare attributes with"
                + " constants, test PII and prompt patterns, and combine them with && || ! and ?:)"));
        return null;
    }
}
