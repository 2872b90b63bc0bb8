package io.aegis.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC §1's dependency direction, checked on the compiled classes of every module on the gateway's
 * class path: the stage modules (native, rules, pii, cost, trace) never use gateway or control-api,
 * and not each other. Maven's enforcer guards the same rule at the artifact level in each module.
 */
class ModuleDirectionTest {
    private static final List<String> STAGES = List.of("natives", "rules", "pii", "cost", "trace");
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.aegis");
    }

    @Test
    void stageModulesDoNotDependOnGatewayOrControlApi() {
        for (String stage : STAGES) {
            noClasses().that().resideInAPackage("io.aegis." + stage + "..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.aegis.gateway..", "io.aegis.control..")
                    .allowEmptyShould(true)
                    .because("SPEC §1: " + stage + " sits below gateway and control-api")
                    .check(classes);
        }
    }

    @Test
    void stageModulesDoNotDependOnEachOther() {
        for (String stage : STAGES) {
            for (String other : STAGES) {
                if (other.equals(stage) || other.equals("natives")) {
                    // Every stage may use native/ for its capability checks (Hyperscan loading lives there).
                    continue;
                }
                noClasses().that().resideInAPackage("io.aegis." + stage + "..")
                        .should().dependOnClassesThat().resideInAPackage("io.aegis." + other + "..")
                        .allowEmptyShould(true)
                        .because("SPEC §1: stage modules meet only through small interfaces")
                        .check(classes);
            }
        }
    }

    @Test
    void theControlApiKnowsTheGatewayOnlyThroughItsDataPlaneInterface() {
        if (classes.stream().noneMatch(c -> c.getPackageName().startsWith("io.aegis.control"))) {
            throw new AssertionError("control-api classes were not imported");
        }
        noClasses().that().resideInAPackage("io.aegis.control..")
                .should().dependOnClassesThat().resideInAPackage("io.aegis.gateway..")
                .because("the gateway depends on control-api (it starts it), so control-api reaches the gateway"
                        + " only through io.aegis.control.DataPlane")
                .check(classes);
    }

    @Test
    void theCheckSeesTheNativeModule() {
        // Guards against a rule that passes because it imported nothing.
        if (classes.stream().noneMatch(c -> c.getPackageName().startsWith("io.aegis.natives"))) {
            throw new AssertionError("native module classes were not imported");
        }
    }
}
