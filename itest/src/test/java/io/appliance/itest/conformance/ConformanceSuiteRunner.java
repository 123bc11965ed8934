package io.appliance.itest.conformance;

import io.appliance.itest.harness.IscsiEndpoint;
import io.appliance.itest.harness.Tool;
import io.appliance.itest.harness.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs libiscsi's {@code iscsi-test-cu} over family {@code ALL} with data-changing tests allowed
 * ({@code -d}) against one LUN, keeps the console output in {@code directory/NAME.txt} and parses it.
 */
public final class ConformanceSuiteRunner {

    private ConformanceSuiteRunner() {
    }

    /**
     * @param name      file name stem for the kept output, such as {@code ours}
     * @param endpoint  the LUN to test; its data is overwritten
     * @param limit     how long the whole run may take; a run cut short parses as incomplete
     * @param directory where the console output is kept
     */
    public static ConformanceRun run(String name, IscsiEndpoint endpoint, Duration limit, Path directory)
            throws IOException, InterruptedException {
        return run(name, List.of("iscsi-test-cu", "-d", "-t", "ALL", endpoint.lunUrl()), limit, directory);
    }

    /**
     * The same, with two URLs to one LUN (two sessions: libiscsi's MultipathIO suite runs) and two
     * initiator names (the reservation tests use the second as another I_T nexus).
     */
    public static ConformanceRun runMultipath(String name, IscsiEndpoint endpoint, String initiator,
            String secondInitiator, Duration limit, Path directory) throws IOException, InterruptedException {
        return run(name, List.of("iscsi-test-cu", "-d", "-i", initiator, "-I", secondInitiator, "-t", "ALL",
                endpoint.lunUrl(), endpoint.lunUrl()), limit, directory);
    }

    private static ConformanceRun run(String name, List<String> command, Duration limit, Path directory)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        ToolResult result = Tool.of(command)
                .directory(directory)
                .timeout(limit)
                .run();
        String console = result.stdout();
        if (result.timedOut()) {
            console += "\n(iscsi-test-cu killed after " + limit + ")\n";
        }
        Files.writeString(directory.resolve(name + ".txt"),
                console + "\n--- stderr (exit " + result.exitCode() + ") ---\n" + result.stderr(), StandardCharsets.UTF_8);
        ConformanceRun run = CunitConsoleParser.parse(console);
        Files.writeString(directory.resolve(name + ".xml"), JunitXmlReport.render(name, run), StandardCharsets.UTF_8);
        return run;
    }
}
