package io.aegis.rules;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attributes and functions rule conditions may use (rules/README.md), declared to CEL so that its
 * checker types every condition. Grouped attributes ({@code tokens.input}) are maps to CEL; the
 * compiler holds their field names to this list.
 */
final class Attributes {
    static final OpaqueType PII = OpaqueType.create("aegis.Pii");
    static final OpaqueType PROMPT = OpaqueType.create("aegis.Prompt");

    /** Plain attributes. */
    static final Set<String> STRINGS = Set.of("provider", "model", "tenant", "key_id", "path", "method");

    /** Grouped attributes: group → field → kind ("string", "int" or "double"). */
    static final Map<String, Map<String, String>> GROUPS = Map.of(
            "client", Map.of("ip", "string"),
            "tokens", Map.of("input", "int", "max_output", "int"),
            "cost", Map.of("estimate_usd", "double"),
            "budget", Map.of("remaining_fraction", "double"),
            "time", Map.of("hour_utc", "int"));

    /** Names a misspelling is compared with. */
    static final List<String> NAMES = List.of("provider", "model", "tenant", "key_id", "path", "method", "stream",
            "header", "client", "tokens", "cost", "budget", "time", "pii", "prompt", "startsWith", "endsWith",
            "contains", "matches", "size", "has", "any", "count", "in");

    /**
     * {@code ip.in("10.0.0.0/8")} reads naturally but {@code in} is a CEL keyword; the text is
     * rewritten to this name (same length, so columns still point at the file) before CEL sees it.
     */
    static final String IP_IN = "iN";

    private Attributes() {
    }

    static CelCompiler compiler() {
        var builder = CelCompilerFactory.standardCelCompilerBuilder();
        for (String name : STRINGS) {
            builder.addVar(name, SimpleType.STRING);
        }
        builder.addVar("stream", SimpleType.BOOL);
        builder.addVar("header", MapType.create(SimpleType.STRING, SimpleType.STRING));
        builder.addVar("client", MapType.create(SimpleType.STRING, SimpleType.STRING));
        builder.addVar("tokens", MapType.create(SimpleType.STRING, SimpleType.INT));
        builder.addVar("cost", MapType.create(SimpleType.STRING, SimpleType.DOUBLE));
        builder.addVar("budget", MapType.create(SimpleType.STRING, SimpleType.DOUBLE));
        builder.addVar("time", MapType.create(SimpleType.STRING, SimpleType.INT));
        builder.addVar("pii", PII);
        builder.addVar("prompt", PROMPT);
        builder.addFunctionDeclarations(
                CelFunctionDecl.newFunctionDeclaration("has",
                        CelOverloadDecl.newMemberOverload("pii_has", SimpleType.BOOL, PII, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration("any",
                        CelOverloadDecl.newMemberOverload("pii_any", SimpleType.BOOL, PII, ListType.create(SimpleType.STRING))),
                CelFunctionDecl.newFunctionDeclaration("count",
                        CelOverloadDecl.newMemberOverload("pii_count", SimpleType.INT, PII, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration("matches",
                        CelOverloadDecl.newMemberOverload("prompt_matches", SimpleType.BOOL, PROMPT, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(IP_IN,
                        CelOverloadDecl.newMemberOverload("ip_in", SimpleType.BOOL, SimpleType.STRING, SimpleType.STRING)));
        return builder.build();
    }

    /** Rewrites {@code .in(} outside string literals to {@code .iN(}, keeping every column. */
    static String rewriteIpIn(String expression) {
        StringBuilder out = new StringBuilder(expression);
        char quote = 0;
        for (int i = 0; i < out.length(); i++) {
            char c = out.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '.' && expression.startsWith("in", i + 1)) {
                int j = i + 3;
                while (j < out.length() && out.charAt(j) == ' ') {
                    j++;
                }
                if (j < out.length() && out.charAt(j) == '(') {
                    out.setCharAt(i + 2, 'N');
                }
            }
        }
        return out.toString();
    }
}
