package dev.mooring;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service's layering, read from its compiled classes: no package cycles, only the chat endpoint speaks the wire
 * protocol, and every package imports only what the table in docs/architecture.md allows it.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.mooring";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
    /** A row of the package table: | `name` | what it holds | `a`, `b` or "nothing" |. */
    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\|[^|]*\\|([^|]*)\\|\\s*$", Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("`(\\w+)`");

    @Test
    void packagesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void onlyTheChatEndpointTranslatesBetweenFramesAndDomainCalls() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".chat..", ROOT + ".protocol..")
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".protocol..")
                .check(CLASSES);
    }

    @Test
    void eachPackageImportsOnlyWhatTheArchitecturePageAllows() throws IOException {
        Map<String, Set<String>> allowed = allowedImports();
        List<String> violations = new ArrayList<>();
        Set<String> undocumented = new TreeSet<>();
        for (JavaClass origin : CLASSES) {
            String from = topPackage(origin);
            if (!allowed.containsKey(from)) {
                undocumented.add(from);
                continue;
            }
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                String to = topPackage(dependency.getTargetClass());
                if (to != null && !to.equals(from) && !allowed.get(from).contains(to)) {
                    violations.add(dependency.getDescription());
                }
            }
        }
        assertEquals(Set.of(), undocumented, "packages missing from the table in docs/architecture.md");
        assertTrue(violations.isEmpty(), violations.size() + " imports the table does not allow:\n"
                + String.join("\n", new TreeSet<>(violations)));
    }

    /** The top-level package under dev.mooring ("chat" for dev.mooring.chat.x.Y), or null outside it. */
    private static String topPackage(JavaClass type) {
        String name = type.getPackageName();
        if (!name.startsWith(ROOT + ".")) {
            return null;
        }
        String rest = name.substring(ROOT.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static Map<String, Set<String>> allowedImports() throws IOException {
        String page = Files.readString(Path.of("docs/architecture.md"));
        Map<String, Set<String>> allowed = new LinkedHashMap<>();
        Matcher row = ROW.matcher(page);
        while (row.find()) {
            Set<String> imports = new TreeSet<>();
            Matcher name = NAME.matcher(row.group(2));
            while (name.find()) {
                imports.add(name.group(1));
            }
            allowed.put(row.group(1), imports);
        }
        assertFalse(allowed.isEmpty(), "docs/architecture.md has no package table");
        return allowed;
    }
}
