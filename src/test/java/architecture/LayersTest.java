package architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;

/**
 * The packages of the main code depend only downward (../shared/notes/layers.md): the routes know
 * the whole flow; below them each package may use only those under it, down to the domain.
 * Compile-time constants (exchange property keys) are inlined by javac and invisible here: keep
 * those downward too.
 */
class LayersTest {

    /** The main code as compiled: looking for these packages on the whole test classpath took 30 s. */
    static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target", "classes"));

    /** Top to bottom. */
    static final List<String> LAYERS = List.of("routes", "grouping", "slack", "names", "revert", "ops", "store",
            "decision", "policy", "plumbing", "lake", "aws", "config", "change");

    static String packageOf(String layer) {
        return layer.equals("routes") ? "routes.." : "sgwarden." + layer + "..";
    }

    @Test
    void layersDependOnlyDownward() {
        layered().check(MAIN);
    }

    @Test
    void everyPackageIsInALayer() {
        classes().should().resideInAnyPackage(LAYERS.stream().map(LayersTest::packageOf).toArray(String[]::new))
                .check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching("sgwarden.(*)..").should().beFreeOfCycles().check(MAIN);
    }

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
