package io.appliance.itest.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and its build outputs are, seen from a test JVM (surefire runs in {@code itest/}). */
public final class RepositoryLayout {

    private RepositoryLayout() {
    }

    /** The repository root: the nearest directory at or above {@code user.dir} that holds {@code appliance/pom.xml}. */
    public static Path root() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path candidate = start; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("appliance/pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no repository root (a directory with appliance/pom.xml) at or above " + start);
    }

    /** The shaded node jar that {@code mvn package} builds. */
    public static Path applianceJar() {
        return root().resolve("appliance/target/appliance.jar");
    }

    /** {@code itest/target} (or what surefire names the build directory), for reports that outlive the test. */
    public static Path itestOutputDirectory() {
        String configured = System.getProperty("itest.outputDirectory");
        return configured != null ? Path.of(configured) : root().resolve("itest/target");
    }
}
