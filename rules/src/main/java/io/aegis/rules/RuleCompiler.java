package io.aegis.rules;

import io.aegis.yaml.Suggestions;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.compiler.CelCompiler;
import java.nio.file.Path;
import io.aegis.yaml.LocatedProblem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule files to a {@link RuleSet}: read every file, type-check every condition with CEL, compile
 * the conditions, then check the set as a whole (duplicate ids, rules no request can reach). All
 * problems are collected before anything is reported.
 */
final class RuleCompiler {
    private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '([^']+)'");
    /** One compiler serves every compilation: building CEL's environment is the slow part. */
    private static final CelCompiler CEL = Attributes.compiler();

    private final List<String> piiTypes;
    private final List<LocatedProblem> problems = new ArrayList<>();
    private final Map<String, Integer> predicates = new HashMap<>();
    private final List<String> promptPatterns = new ArrayList<>();
    private final List<com.google.re2j.Pattern> attributeRegexes = new ArrayList<>();

    private RuleCompiler(List<String> piiTypes) {
        this.piiTypes = List.copyOf(piiTypes);
    }

    static RuleSet compile(List<Path> files, List<String> piiTypes) throws RulesException {
        RuleCompiler compiler = new RuleCompiler(piiTypes);
        List<RuleDraft> drafts = new ArrayList<>();
        for (Path file : files) {
            drafts.addAll(RuleFileReader.read(file, compiler.problems));
        }
        return compiler.build(drafts);
    }

    static RuleSet compileTexts(Map<String, String> namedTexts, List<String> piiTypes) throws RulesException {
        RuleCompiler compiler = new RuleCompiler(piiTypes);
        List<RuleDraft> drafts = new ArrayList<>();
        for (Map.Entry<String, String> text : new LinkedHashMap<>(namedTexts).entrySet()) {
            drafts.addAll(RuleFileReader.read(text.getKey(), text.getValue(), compiler.problems));
        }
        return compiler.build(drafts);
    }

    private RuleSet build(List<RuleDraft> drafts) throws RulesException {
        List<Rule> rules = new ArrayList<>();
        List<Nodes.Bool> conditions = new ArrayList<>();
        List<Set<String>[]> constraints = new ArrayList<>();
        Map<String, RuleDraft> byId = new HashMap<>();
        RuleDraft endsEverything = null;
        ConditionCompiler conditionCompiler = new ConditionCompiler(piiTypes, predicates, promptPatterns, attributeRegexes);
        for (RuleDraft draft : drafts) {
            RuleDraft first = byId.putIfAbsent(draft.id(), draft);
            if (first != null) {
                problems.add(new LocatedProblem(draft.file(), draft.line(), draft.column(), "",
                        "duplicate rule id '" + draft.id() + "' (first used at " + first.at() + ")"));
            }
            if (endsEverything != null) {
                problems.add(new LocatedProblem(draft.file(), draft.line(), draft.column(), "", "rule '" + draft.id()
                        + "' is unreachable: rule '" + endsEverything.id() + "' at " + endsEverything.at()
                        + " always ends evaluation with " + endsEverything.action().wireName()));
            }
            for (String type : draft.types()) {
                if (!piiTypes.contains(type)) {
                    problems.add(new LocatedProblem(draft.file(), draft.typesAt()[0], draft.typesAt()[1],
                            "rule '" + draft.id() + "'", "unknown PII type '" + type + "'"
                            + Suggestions.didYouMean(type, piiTypes) + "; known: " + String.join(", ", piiTypes)));
                }
            }
            @SuppressWarnings("unchecked")
            Set<String>[] constraint = new Set[Dispatch.ATTRIBUTES.size()];
            Nodes.Bool condition;
            boolean always;
            if (draft.when() == null) {
                condition = (request, evaluation) -> Evaluation.TRUE;
                always = true;
            } else {
                CelAbstractSyntaxTree ast = check(draft);
                if (ast == null) {
                    continue;
                }
                List<CelExpr> residual = new ArrayList<>();
                for (CelExpr conjunct : conjuncts(ast.getExpr())) {
                    if (!dispatchable(conjunct, constraint)) {
                        residual.add(conjunct);
                    }
                }
                always = residual.isEmpty() && java.util.Arrays.stream(constraint).allMatch(c -> c == null)
                        || isTrue(ast.getExpr());
                condition = compileResidual(conditionCompiler, draft, ast, residual);
                if (condition == null) {
                    continue;
                }
            }
            if (always && !draft.shadow() && draft.action().terminal() && endsEverything == null) {
                endsEverything = draft;
            }
            rules.add(draft.rule());
            conditions.add(condition);
            constraints.add(constraint);
        }
        if (!problems.isEmpty()) {
            throw new RulesException(problems);
        }
        return new RuleSet(rules, conditions.toArray(new Nodes.Bool[0]), Dispatch.build(constraints, rules.size()),
                predicates.size(), piiTypes, promptPatterns, attributeRegexes);
    }

    /** CEL parse and type check; problems are reported at their place in the rule file. */
    private CelAbstractSyntaxTree check(RuleDraft draft) {
        ConditionText when = draft.when();
        try {
            CelAbstractSyntaxTree ast = CEL.compile(Attributes.rewriteIpIn(when.expression)).getAst();
            if (ast.getResultType().kind() != dev.cel.common.types.CelKind.BOOL) {
                problems.add(at(draft, 1, 0, "'when' must be true or false, not " + ast.getResultType().name()
                        + excerpt(when, 1, 0)));
                return null;
            }
            return ast;
        } catch (CelValidationException e) {
            for (CelIssue issue : e.getErrors()) {
                CelSourceLocation location = issue.getSourceLocation();
                String message = issue.getMessage().replace("'" + Attributes.IP_IN + "'", "'in'");
                Matcher undeclared = UNDECLARED.matcher(message);
                if (undeclared.find()) {
                    String name = undeclared.group(1);
                    message = "unknown attribute or function '" + name + "'" + Suggestions.didYouMean(name, Attributes.NAMES);
                }
                problems.add(at(draft, location.getLine(), location.getColumn(), message
                        + excerpt(when, location.getLine(), location.getColumn())));
            }
            return null;
        }
    }

    private Nodes.Bool compileResidual(ConditionCompiler compiler, RuleDraft draft, CelAbstractSyntaxTree ast,
            List<CelExpr> residual) {
        if (residual.isEmpty()) {
            return (request, evaluation) -> Evaluation.TRUE;
        }
        Nodes.Bool condition = null;
        boolean failed = false;
        for (CelExpr conjunct : residual) {
            Nodes.Bool part = compiler.compile(ast, conjunct);
            if (part == null) {
                failed = true;
                for (ConditionCompiler.Problem problem : compiler.problems()) {
                    int offset = ast.getSource().getPositionsMap().getOrDefault(problem.exprId(), 0);
                    CelSourceLocation location = ast.getSource().getOffsetLocation(offset)
                            .orElse(CelSourceLocation.of(1, 0));
                    problems.add(at(draft, location.getLine(), location.getColumn(), problem.message()
                            + excerpt(draft.when(), location.getLine(), location.getColumn())));
                }
                continue;
            }
            condition = condition == null ? part : Nodes.and(condition, part);
        }
        return failed ? null : condition;
    }

    /** The top-level operands of {@code &&}, in order. */
    private static List<CelExpr> conjuncts(CelExpr expr) {
        List<CelExpr> out = new ArrayList<>();
        if (expr.getKind() == CelExpr.ExprKind.Kind.CALL && expr.call().function().equals("_&&_")) {
            for (CelExpr arg : expr.call().args()) {
                out.addAll(conjuncts(arg));
            }
        } else {
            out.add(expr);
        }
        return out;
    }

    /**
     * Whether {@code conjunct} is {@code attr == "v"}, {@code "v" == attr} or {@code attr in ["v", ...]}
     * for a dispatched attribute; if so, narrows that attribute's allowed values in {@code constraint}.
     */
    private static boolean dispatchable(CelExpr conjunct, Set<String>[] constraint) {
        if (conjunct.getKind() != CelExpr.ExprKind.Kind.CALL) {
            return false;
        }
        CelExpr.CelCall call = conjunct.call();
        Set<String> values = new HashSet<>();
        CelExpr attribute;
        if (call.function().equals("_==_")) {
            CelExpr a = call.args().get(0);
            CelExpr b = call.args().get(1);
            attribute = isString(b) ? a : isString(a) ? b : null;
            CelExpr constant = attribute == a ? b : a;
            if (attribute == null || !isString(constant)) {
                return false;
            }
            values.add(constant.constant().stringValue());
        } else if (call.function().equals("@in") && call.args().get(1).getKind() == CelExpr.ExprKind.Kind.LIST) {
            attribute = call.args().get(0);
            for (CelExpr item : call.args().get(1).list().elements()) {
                if (!isString(item)) {
                    return false;
                }
                values.add(item.constant().stringValue());
            }
        } else {
            return false;
        }
        if (attribute.getKind() != CelExpr.ExprKind.Kind.IDENT) {
            return false;
        }
        int index = Dispatch.ATTRIBUTES.indexOf(attribute.ident().name());
        if (index < 0) {
            return false;
        }
        if (constraint[index] == null) {
            constraint[index] = values;
        } else {
            constraint[index].retainAll(values);
        }
        return true;
    }

    private static boolean isString(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE;
    }

    private static boolean isTrue(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT && expr.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE
                && expr.constant().booleanValue();
    }

    /** A problem at a place in the rule's condition, located in its file. */
    private static LocatedProblem at(RuleDraft draft, int celLine, int celColumn, String message) {
        int[] at = draft.when().position(celLine, celColumn);
        return new LocatedProblem(draft.file(), at[0], at[1], "rule '" + draft.id() + "'", message);
    }

    /** The condition line and a caret under the column, as compilers show it. */
    private static String excerpt(ConditionText when, int celLine, int celColumn) {
        String line = when.lineOf(celLine);
        return System.lineSeparator() + "    " + line + System.lineSeparator() + "    "
                + " ".repeat(Math.max(0, Math.min(celColumn, line.length()))) + "^";
    }
}
