package architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

/**
 * The packages of the main code depend only downward (../shared/notes/layers.md): the routes know
 * the whole flow; below them each package may use only those under it, down to the domain.
 * Compile-time constants (exchange property keys) are inlined by javac and invisible here: keep
 * those downward too.
 */
@AnalyzeClasses(packages = {"routes", "sgwarden"}, importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    /** Top to bottom. */
    static final List<String> LAYERS = List.of("routes", "grouping", "slack", "names", "revert", "ops", "store",
            "decision", "policy", "plumbing", "lake", "aws", "config", "change");

    static String packageOf(String layer) {
        return layer.equals("routes") ? "routes.." : "sgwarden." + layer + "..";
    }

    @ArchTest
    static final ArchRule layersDependOnlyDownward = layered();

    @ArchTest
    static final ArchRule everyPackageIsInALayer = classes().should()
            .resideInAnyPackage(LAYERS.stream().map(LayersTest::packageOf).toArray(String[]::new));

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("sgwarden.(*)..").should().beFreeOfCycles();

    static LayeredArchitecture layered() {
        LayeredArchitecture rule = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) {
            rule = rule.layer(layer).definedBy(packageOf(layer));
        }
        rule = rule.whereLayer(LAYERS.get(0)).mayNotBeAccessedByAnyLayer();
        for (int i = 1; i < LAYERS.size(); i++) {
            rule = rule.whereLayer(LAYERS.get(i))
                    .mayOnlyBeAccessedByLayers(LAYERS.subList(0, i).toArray(String[]::new));
        }
        return rule;
    }
}
