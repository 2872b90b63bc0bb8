package io.aegis.cli;

import io.aegis.yaml.LocatedProblem;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiEngines;
import io.aegis.pii.PiiScanner;
import io.aegis.pii.PiiType;
import io.aegis.rules.Decision;
import io.aegis.rules.Rule;
import io.aegis.rules.RuleSet;
import io.aegis.rules.RulesException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code aegis rules check|test|eval FILE...} (the README's Commands, rules/README.md). {@code check} compiles and lists every
 * problem; {@code eval} decides request descriptions read as JSON lines; {@code test} runs a cases
 * file ({@link RuleCases}) and fails on any case whose decision differs. Exit codes: 0 success, 1 a
 * bad rule or a failed case, 2 bad usage or unreadable input.
 */
public final class RulesCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE = "usage: aegis rules check FILE... | aegis rules test FILE... --cases CASES.yaml"
            + " | aegis rules eval FILE...   [--catalogue PII.yaml]";

    private RulesCommand() {
    }

    public static int run(List<String> args, Path projectRoot, InputStream in, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            err.println("aegis rules: " + USAGE);
            return 2;
        }
        String verb = args.get(0);
        List<Path> files = new ArrayList<>();
        Path cases = null;
        Path catalogueFile = projectRoot.resolve("configs/pii.yaml");
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--cases") && i + 1 < args.size()) {
                cases = Path.of(args.get(++i));
            } else if (arg.equals("--catalogue") && i + 1 < args.size()) {
                catalogueFile = Path.of(args.get(++i));
            } else if (arg.startsWith("--")) {
                err.println("aegis rules: unknown option '" + arg + "'; " + USAGE);
                return 2;
            } else {
                files.add(Path.of(arg));
            }
        }
        if (!List.of("check", "test", "eval").contains(verb) || files.isEmpty() || (verb.equals("test") != (cases != null))) {
            err.println("aegis rules: " + USAGE);
            return 2;
        }
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                err.println(file + ": cannot read this rule file (missing or not readable)");
                return 2;
            }
        }
        PiiCatalogue catalogue = PiiScanCommand.catalogue(catalogueFile, err);
        if (catalogue == null) {
            return 2;
        }
        RuleSet rules;
        try {
            rules = RuleSet.compile(files, catalogue.types().stream().map(PiiType::name).toList());
        } catch (RulesException e) {
            for (LocatedProblem problem : e.problems()) {
                err.println(problem);
            }
            err.println(e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems") + " in "
                    + files.size() + (files.size() == 1 ? " file" : " files"));
            return 1;
        }
        switch (verb) {
            case "check":
                out.println("ok: " + rules.rules().size() + " rules in " + files.size() + (files.size() == 1 ? " file" : " files"));
                return 0;
            case "eval":
                return eval(rules, catalogue, in, out, err);
            default:
                return RuleCases.run(rules, catalogue, cases, out, err);
        }
    }

    private static int eval(RuleSet rules, PiiCatalogue catalogue, InputStream in, PrintStream out, PrintStream err) {
        int code = 0;
        try (PiiEngine engine = PiiEngines.best(catalogue); PiiScanner scanner = engine.newScanner()) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            var evaluation = rules.newEvaluation();
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                DescribedRequest request;
                try {
                    request = new DescribedRequest(JSON.readTree(line), scanner, catalogue.types().size(),
                            rules.promptPatterns());
                } catch (IOException | IllegalArgumentException e) {
                    err.println("stdin:" + number + ": " + (e instanceof IOException ? "not JSON" : e.getMessage()));
                    code = 2;
                    continue;
                }
                out.println(decisionJson(rules, rules.evaluate(request, evaluation)));
            }
        } catch (IOException e) {
            err.println("aegis rules eval: cannot read stdin: " + e.getMessage());
            return 2;
        }
        return code;
    }

    /** rules/README.md: {"decision","rule","status","actions":[...],"shadow":[...]}. */
    static String decisionJson(RuleSet rules, Decision decision) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = JSON.getFactory().createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("decision", decision.denied() ? "deny" : "allow");
            Rule deciding = decision.decidingRule() < 0 ? null : rules.rules().get(decision.decidingRule());
            json.writeStringField("rule", deciding == null ? null : deciding.id());
            json.writeNumberField("status", decision.denied() ? deciding.status() : 200);
            if (decision.denied()) {
                json.writeStringField("message", deciding.message());
            }
            json.writeArrayFieldStart("actions");
            for (int i = 0; i < decision.actionCount(); i++) {
                writeAction(json, rules.rules().get(decision.action(i)));
            }
            json.writeEndArray();
            json.writeArrayFieldStart("shadow");
            for (int i = 0; i < decision.shadowCount(); i++) {
                writeAction(json, rules.rules().get(decision.shadow(i)));
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        return text.toString();
    }

    private static void writeAction(JsonGenerator json, Rule rule) throws IOException {
        json.writeStartObject();
        json.writeStringField("rule", rule.id());
        json.writeStringField("action", rule.action().wireName());
        switch (rule.action()) {
            case DENY:
                json.writeNumberField("status", rule.status());
                break;
            case REDACT:
                json.writeArrayFieldStart("types");
                for (String type : rule.types()) {
                    json.writeString(type);
                }
                json.writeEndArray();
                break;
            case ROUTE:
                json.writeStringField("model", rule.model());
                break;
            case TAG:
                json.writeArrayFieldStart("tags");
                for (String tag : rule.tags()) {
                    json.writeString(tag);
                }
                json.writeEndArray();
                break;
            case SAMPLE:
                json.writeNumberField("rate", rule.sampleRate());
                break;
            case LIMIT:
                json.writeStringField("class", rule.limitClass());
                break;
            default:
                break;
        }
        json.writeEndObject();
    }

    /** The request description of a case as JSON, for {@link RuleCases}. */
    static JsonNode toJson(Object yaml) {
        return JSON.valueToTree(yaml);
    }
}
