package io.appliance.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.itest.conformance.ConformanceRun;
import io.appliance.itest.conformance.ConformanceRun.SuiteTally;
import io.appliance.itest.conformance.ConformanceSuiteRunner;
import io.appliance.itest.conformance.TestOutcome;
import io.appliance.itest.harness.ApplianceProcess;
import io.appliance.itest.harness.ProcessLogsOnFailure;
import io.appliance.itest.harness.RepositoryLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code iscsi-test-cu -d -i A -I B -t ALL URL URL} against the appliance: two sessions to one LUN
 * (the MultipathIO suite runs) and two initiator names (the persistent reservation suites use the
 * second as another I_T nexus). Every suite must pass, the hypervisor/cluster commands included
 * (persistent reservations, COMPARE AND WRITE, EXTENDED COPY, UNMAP, WRITE SAME, GET LBA STATUS),
 * and no test of those suites may be skipped because a command is missing. No test may fail.
 * ({@code GetLBAStatus.UnmapSingle} asks for the status at LBA i+1 after unmapping [0, i) and wants
 * the first descriptor to start at i + (logical blocks per physical block), which contains the
 * requested LBA, as SBC-3 §5.6 requires, only when that is 1: the LUNs report exponent 0 and keep
 * their 4 KiB granularity in the Block Limits VPD page.)
 */
class ApplianceMultipathConformanceTest {

    private static final Duration LIMIT = Duration.ofMinutes(10);
    private static final List<String> SUITES_THAT_MUST_RUN = List.of("MultipathIO", "PrinReadKeys", "ProutReserve",
            "CompareAndWrite", "ExtendedCopy", "ReceiveCopyResults", "Unmap", "WriteSame10", "WriteSame16",
            "WriteAtomic16");

    @RegisterExtension
    final ProcessLogsOnFailure logs = new ProcessLogsOnFailure();

    @Test
    void everySuitePassesOverTwoSessionsAndTwoInitiators() throws Exception {
        Path reports = RepositoryLayout.itestOutputDirectory().resolve("conformance");
        ConformanceRun run;
        boolean aliveAfterwards;
        try (ApplianceProcess appliance = logs.watch(ApplianceProcess.startWithOpenTarget("64MiB"))) {
            run = ConformanceSuiteRunner.runMultipath("ours-multipath", appliance.defaultEndpoint(),
                    "iqn.2026-11.io.appliance.itest:path-a", "iqn.2026-11.io.appliance.itest:path-b", LIMIT, reports);
            aliveAfterwards = appliance.isAlive();
        }

        Map<String, SuiteTally> tallies = run.tallies();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(run.completed()).as("the run reached CUnit's summary within %s", LIMIT).isTrue();
        softly.assertThat(aliveAfterwards).as("the appliance survived the suite").isTrue();
        softly.assertThat(run.failures()).extracting(TestOutcome::qualifiedName)
                .as("failed tests (see itest/target/conformance/ours-multipath.txt)")
                .isEmpty();
        for (String suite : SUITES_THAT_MUST_RUN) {
            SuiteTally tally = tallies.getOrDefault(suite, SuiteTally.NONE);
            softly.assertThat(tally.passed()).as("tests passed in suite %s (%s)", suite, tally).isPositive();
        }
        // libiscsi says "[SKIPPED] X is not implemented" when a command is missing; other skips are
        // options the LUN does not have (removable media, SANITIZE without --allow-sanitize, WRITE SAME
        // of 0 blocks, more than one logical block per physical block, ...).
        softly.assertThat(run.outcomes())
                .filteredOn(outcome -> outcome.verdict() == TestOutcome.Verdict.SKIPPED)
                .filteredOn(outcome -> outcome.messages().stream().anyMatch(message -> message.contains("not implemented")))
                .extracting(TestOutcome::qualifiedName)
                .as("tests skipped because a command is missing")
                .isEmpty();
        softly.assertAll();
        assertThat(tallies).isNotEmpty();
    }
}
