package io.aegis.pii.corpus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aegis.natives.HyperscanSupport;
import io.aegis.pii.CatalogueReader;
import io.aegis.pii.Findings;
import io.aegis.pii.PiiCatalogue;
import io.aegis.pii.PiiEngine;
import io.aegis.pii.PiiEngines;
import io.aegis.pii.PiiScanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generated corpus through both engines: their findings must be identical, and per type the
 * precision and recall against the planted values must be at least 0.97.
 */
class CorpusEvaluationTest {
    private static final int SAMPLES = 3000;
    private static final long SEED = 20261122L;
    private static final double MINIMUM = 0.97;

    @Test
    void enginesAgreeAndEveryTypeMeetsPrecisionAndRecall() throws Exception {
        Path root = Path.of(System.getProperty("aegis.project.root", "..")).toAbsolutePath().normalize();
        PiiCatalogue catalogue = CatalogueReader.read(root.resolve("configs/pii.yaml"));
        List<CorpusGenerator.Sample> samples = new CorpusGenerator(SEED).samples(SAMPLES);
        List<String> types = CorpusGenerator.types();
        long[] truePositives = new long[types.size()];
        long[] falsePositives = new long[types.size()];
        long[] falseNegatives = new long[types.size()];
        List<String> disagreements = new ArrayList<>();
        List<String> misses = new ArrayList<>();

        try (PiiEngine java = PiiEngines.java(catalogue);
             PiiScanner javaScanner = java.newScanner()) {
            PiiEngine hyperscan = HyperscanSupport.current().available() ? PiiEngines.hyperscan(catalogue) : null;
            PiiScanner hyperscanScanner = hyperscan == null ? null : hyperscan.newScanner();
            Findings javaFindings = new Findings();
            Findings hyperscanFindings = new Findings();
            try {
                for (CorpusGenerator.Sample sample : samples) {
                    byte[] bytes = sample.text().getBytes(StandardCharsets.UTF_8);
                    javaScanner.scan(bytes, bytes.length, javaFindings);
                    Set<String> found = spans(catalogue, javaFindings);
                    if (hyperscanScanner != null) {
                        hyperscanScanner.scan(bytes, bytes.length, hyperscanFindings);
                        Set<String> hs = spans(catalogue, hyperscanFindings);
                        if (!hs.equals(found) && disagreements.size() < 10) {
                            disagreements.add("java " + found + " vs hyperscan " + hs + " in: " + sample.text());
                        }
                    }
                    Set<String> expected = new HashSet<>();
                    for (CorpusGenerator.Planted planted : sample.planted()) {
                        int start = sample.text().substring(0, planted.start()).getBytes(StandardCharsets.UTF_8).length;
                        int end = start + sample.text().substring(planted.start(), planted.end())
                                .getBytes(StandardCharsets.UTF_8).length;
                        expected.add(planted.type() + "@" + start + "-" + end);
                    }
                    for (String span : found) {
                        int type = types.indexOf(span.substring(0, span.indexOf('@')));
                        if (type < 0) {
                            continue;
                        }
                        if (expected.contains(span)) {
                            truePositives[type]++;
                        } else {
                            falsePositives[type]++;
                            if (misses.size() < 20) {
                                misses.add("false " + span + " " + excerpt(bytes, span) + " in: " + sample.text());
                            }
                        }
                    }
                    for (String span : expected) {
                        if (!found.contains(span)) {
                            falseNegatives[types.indexOf(span.substring(0, span.indexOf('@')))]++;
                            if (misses.size() < 20) {
                                misses.add("missed " + span + " " + excerpt(bytes, span) + " in: " + sample.text());
                            }
                        }
                    }
                }
            } finally {
                if (hyperscanScanner != null) {
                    hyperscanScanner.close();
                    hyperscan.close();
                }
            }
        }

        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "%-12s %6s %6s %6s %9s %9s%n",
                "type", "tp", "fp", "fn", "precision", "recall"));
        boolean ok = true;
        for (int t = 0; t < types.size(); t++) {
            double precision = truePositives[t] / (double) Math.max(1, truePositives[t] + falsePositives[t]);
            double recall = truePositives[t] / (double) Math.max(1, truePositives[t] + falseNegatives[t]);
            ok &= precision >= MINIMUM && recall >= MINIMUM && truePositives[t] > 0;
            report.append(String.format(Locale.ROOT, "%-12s %6d %6d %6d %9.4f %9.4f%n", types.get(t),
                    truePositives[t], falsePositives[t], falseNegatives[t], precision, recall));
        }
        System.out.println(report);
        assertTrue(disagreements.isEmpty(), "engines disagree:\n" + String.join("\n", disagreements));
        System.out.println(String.join("\n", misses));
        assertTrue(ok, "below " + MINIMUM + ":\n" + report + String.join("\n", misses));
    }

    private static Set<String> spans(PiiCatalogue catalogue, Findings findings) {
        Set<String> spans = new HashSet<>();
        for (int i = 0; i < findings.size(); i++) {
            spans.add(catalogue.types().get(findings.type(i)).name() + "@" + findings.start(i) + "-" + findings.end(i));
        }
        return spans;
    }

    private static String excerpt(byte[] bytes, String span) {
        String[] range = span.substring(span.indexOf('@') + 1).split("-");
        int start = Integer.parseInt(range[0]);
        int end = Integer.parseInt(range[1]);
        return "'" + new String(bytes, start, end - start, StandardCharsets.UTF_8) + "'";
    }
}
