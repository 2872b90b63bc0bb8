package io.aegis.cli.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The module direction of the README's Layout, checked on the compiled classes of every module (cli
 * sits on top, so all of them are on its class path): each module uses only the Aegis modules listed
 * for it here. Maven's enforcer checks the same on the artifacts in each module's pom. Each module
 * also has a guard that its classes were imported at all, so that no rule passes by seeing nothing.
 */
class ModuleDirectionTest {
    /** Each module's root package (under io.aegis), and the modules its classes may use. */
    private static final Map<String, List<String>> MAY_USE = new LinkedHashMap<>();

    static {
        MAY_USE.put("natives", List.of());
        MAY_USE.put("yaml", List.of());
        MAY_USE.put("wire", List.of());
        MAY_USE.put("pii", List.of("natives", "yaml"));
        MAY_USE.put("rules", List.of("natives", "yaml"));
        MAY_USE.put("cost", List.of("natives", "yaml"));
        MAY_USE.put("fleet", List.of("natives", "yaml", "cost"));
        MAY_USE.put("trace", List.of("natives", "yaml"));
        MAY_USE.put("control", List.of("trace", "wire", "yaml"));
        MAY_USE.put("mock", List.of("natives", "wire"));
        MAY_USE.put("gateway", List.of("natives", "yaml", "wire", "pii", "rules", "cost", "fleet", "trace", "control"));
        MAY_USE.put("cli", List.of("natives", "yaml", "wire", "pii", "rules", "cost", "fleet", "trace", "control", "mock",
                "gateway"));
    }

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // Tests are not product code: test-classes folders, and the gateway's test helpers in its test-jar.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.aegis");
    }

    @TestFactory
    List<DynamicTest> everyModuleWasImported() {
        List<DynamicTest> guards = new ArrayList<>();
        for (String module : MAY_USE.keySet()) {
            guards.add(DynamicTest.dynamicTest(module, () -> assertFalse(
                    classes.stream().noneMatch(c -> inModule(c.getPackageName(), module)),
                    "no classes of io.aegis." + module + " were imported: the rules below would check nothing")));
        }
        return guards;
    }

    @TestFactory
    List<DynamicTest> eachModuleUsesOnlyWhatItMay() {
        List<DynamicTest> checks = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : MAY_USE.entrySet()) {
            String module = entry.getKey();
            List<String> banned = new ArrayList<>();
            for (String other : MAY_USE.keySet()) {
                if (!other.equals(module) && !entry.getValue().contains(other)) {
                    banned.add("io.aegis." + other + "..");
                }
            }
            checks.add(DynamicTest.dynamicTest(module, () -> noClasses()
                    .that().resideInAPackage("io.aegis." + module + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(banned.toArray(new String[0]))
                    .because(module + " may use " + (entry.getValue().isEmpty() ? "no other Aegis module"
                            : String.join(", ", entry.getValue())) + " (README, Layout)")
                    .check(classes)));
        }
        return checks;
    }

    @Test
    void everyAegisPackageBelongsToAModule() {
        List<String> strays = classes.stream().map(c -> c.getPackageName())
                .filter(p -> p.startsWith("io.aegis.") && MAY_USE.keySet().stream().noneMatch(m -> inModule(p, m)))
                .filter(p -> !p.startsWith("io.aegis.bench"))
                .distinct().toList();
        assertTrue(strays.isEmpty(), "packages outside every module's rule: " + strays);
    }

    private static boolean inModule(String packageName, String module) {
        String root = "io.aegis." + module;
        return packageName.equals(root) || packageName.startsWith(root + ".");
    }
}
