package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.conformance.ConformanceComparison;
import io.appliance.itest.conformance.ConformanceRun;
import io.appliance.itest.conformance.ConformanceSuiteRunner;
import io.appliance.itest.conformance.TestOutcome;
import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.Directories;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.RepositoryLayout;
import io.appliance.itest.harness.TgtdProcess;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * libiscsi's conformance suite ({@code iscsi-test-cu -d -t ALL}) against tgtd and against the
 * appliance, each on a fresh LUN of the same size, one after the other. The appliance must fail
 * no test outside the {@link io.appliance.itest.conformance.ReservedSuites reserved suites} and
 * pass at least as many as tgt there. Raw output, JUnit-style XML and the table are kept in
 * {@code itest/target/conformance/}.
 */
class ApplianceConformanceTest {

    private static final long LUN_SIZE = 64L << 20;
    private static final Duration PEER_LIMIT = Duration.ofMinutes(3);
    private static final Duration OURS_LIMIT = Duration.ofMinutes(10);

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    @Test
    void failsNothingOutsideTheReservedSuitesAndPassesAtLeastAsMuchAsTgt() throws Exception {
        Path reports = RepositoryLayout.itestOutputDirectory().resolve("conformance");
        Files.createDirectories(reports);

        ConformanceRun peer = runAgainstTgtd(reports);
        ConformanceRun ours;
        boolean aliveAfterwards;
        try (ApplianceProcess appliance = logs.watch(ApplianceProcess.startWithOpenTarget("64MiB"))) {
            ours = ConformanceSuiteRunner.run("ours", appliance.defaultEndpoint(), OURS_LIMIT, reports);
            aliveAfterwards = appliance.isAlive();
            logs.forget(appliance);
            if (!aliveAfterwards || !ours.completed()) {
                System.out.println("appliance log tail:\n" + appliance.logTail(80));
            }
        }

        ConformanceComparison comparison = new ConformanceComparison(ours, peer);
        String table = comparison.table();
        Files.writeString(reports.resolve("table.txt"), table, StandardCharsets.UTF_8);
        System.out.println("libiscsi conformance (iscsi-test-cu -d -t ALL), ours vs tgt:\n" + table);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(peer.completed()).as("tgt's run completed (harness sanity)").isTrue();
        softly.assertThat(aliveAfterwards).as("the appliance survived the suite").isTrue();
        softly.assertThat(ours.completed()).as("our run reached CUnit's summary within %s", OURS_LIMIT).isTrue();
        softly.assertThat(comparison.testsMissingFromOurs()).as("tests tgt ran that ours did not").isEmpty();
        softly.assertThat(describe(comparison.oursCountedFailures())).as("our failures outside the reserved suites").isEmpty();
        softly.assertThat(comparison.oursCountedPassed())
                .as("passed outside the reserved suites, ours vs tgt's; ours behind in %s",
                        comparison.countedSuitesWhereOursPassedFewer())
                .isGreaterThanOrEqualTo(comparison.peerCountedPassed());
        softly.assertAll();
    }

    private ConformanceRun runAgainstTgtd(Path reports) throws Exception {
        Path directory = Files.createTempDirectory("tgtd-conformance-");
        try {
            Path backing = directory.resolve("lun.img");
            try (RandomAccessFile file = new RandomAccessFile(backing.toFile(), "rw")) {
                file.setLength(LUN_SIZE);
            }
            try (TgtdProcess tgtd = logs.watch(TgtdProcess.start("iqn.2026-11.io.appliance.itest:tgt-conformance", backing))) {
                ConformanceRun run = ConformanceSuiteRunner.run("tgt", tgtd.endpoint(), PEER_LIMIT, reports);
                logs.forget(tgtd);
                return run;
            }
        } finally {
            Directories.deleteRecursively(directory);
        }
    }

    private static List<String> describe(List<TestOutcome> failures) {
        return failures.stream()
                .map(failure -> failure.qualifiedName() + ": " + String.join(" | ", failure.messages()))
                .collect(Collectors.toList());
    }
}
