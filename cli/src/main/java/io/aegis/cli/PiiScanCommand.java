package io.aegis.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aegis.pii.CatalogueException;
import io.aegis.pii.CatalogueReader;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiEngines;
import io.aegis.pii.PiiScanner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code aegis pii scan [--jsonl] [--catalogue FILE]} (the README's Commands, pii/README.md): plain text on stdin, or one
 * {@code {"id":..,"text":..}} per line with {@code --jsonl}; writes one
 * {@code {"id":..,"findings":[{"type","start","end"}]}} line per input. Offsets are UTF-16 code
 * units, end exclusive. Only types and positions are written, never the matched text.
 */
public final class PiiScanCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private PiiScanCommand() {
    }

    /**
     * Runs the command.
     *
     * @return 0, or 2 for bad usage, an unreadable catalogue, or any unreadable input line
     */
    public static int run(List<String> args, Path projectRoot, InputStream in, PrintStream out, PrintStream err) {
        boolean jsonl = false;
        Path catalogueFile = projectRoot.resolve("configs/pii.yaml");
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--jsonl")) {
                jsonl = true;
            } else if (arg.equals("--catalogue") && i + 1 < args.size()) {
                catalogueFile = Path.of(args.get(++i));
            } else {
                err.println("aegis pii scan: unexpected argument '" + arg + "'; usage: aegis pii scan [--jsonl]"
                        + " [--catalogue FILE]");
                return 2;
            }
        }
        PiiCatalogue catalogue = PiiScanCommand.catalogue(catalogueFile, err);
        if (catalogue == null) {
            return 2;
        }
        try (PiiEngine engine = PiiEngines.best(catalogue); PiiScanner scanner = engine.newScanner()) {
            Findings findings = new Findings();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            if (!jsonl) {
                StringBuilder text = new StringBuilder();
                char[] buffer = new char[8192];
                int n;
                while ((n = reader.read(buffer)) > 0) {
                    text.append(buffer, 0, n);
                }
                out.println(result(null, text.toString(), scanner, findings, catalogue));
                return 0;
            }
            int code = 0;
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode input;
                try {
                    input = JSON.readTree(line);
                } catch (IOException e) {
                    input = null;
                }
                if (input == null || !input.isObject() || !input.path("text").isTextual()) {
                    err.println("stdin:" + number + ": expected a JSON object with a string \"text\" (and an \"id\")");
                    code = 2;
                    continue;
                }
                out.println(result(input.get("id"), input.path("text").asText(), scanner, findings, catalogue));
            }
            return code;
        } catch (IOException e) {
            err.println("aegis pii scan: cannot read stdin: " + e.getMessage());
            return 2;
        }
    }

    private static String result(JsonNode id, String text, PiiScanner scanner, Findings findings,
                                 PiiCatalogue catalogue) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        scanner.scan(utf8, utf8.length, findings);
        StringWriter json = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(json)) {
            generator.writeStartObject();
            generator.writeFieldName("id");
            if (id == null) {
                generator.writeNull();
            } else {
                JSON.writeTree(generator, id);
            }
            generator.writeArrayFieldStart("findings");
            Utf16Offsets offsets = new Utf16Offsets(utf8);
            for (int i = 0; i < findings.size(); i++) {
                generator.writeStartObject();
                generator.writeStringField("type", catalogue.types().get(findings.type(i)).name());
                generator.writeNumberField("start", offsets.at(findings.start(i)));
                generator.writeNumberField("end", offsets.at(findings.end(i)));
                generator.writeEndObject();
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }
        return json.toString();
    }

    /** Converts increasing UTF-8 byte offsets to UTF-16 code unit offsets in one forward pass. */
    static final class Utf16Offsets {
        private final byte[] utf8;
        private int byteOffset;
        private int charOffset;

        Utf16Offsets(byte[] utf8) {
            this.utf8 = utf8;
        }

        int at(int target) {
            if (target < byteOffset) {
                byteOffset = 0;
                charOffset = 0;
            }
            while (byteOffset < target) {
                int lead = utf8[byteOffset] & 0xff;
                int length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
                byteOffset += length;
                // Characters outside the BMP take two UTF-16 code units (a surrogate pair).
                charOffset += length == 4 ? 2 : 1;
            }
            return charOffset;
        }
    }

    /** The PII catalogue in {@code file}, or {@code null} after printing why it cannot be read (file, line). */
    static PiiCatalogue catalogue(Path file, PrintStream err) {
        try {
            return CatalogueReader.read(file);
        } catch (CatalogueException e) {
            err.println(e.getMessage());
            return null;
        }
    }
}
