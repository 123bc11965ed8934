package io.appliance.itest.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The parser against console output captured from tgt 1.0.85 (a real run, not a hand-made sample). */
class CunitConsoleParserTest {

    private static String fixture() throws IOException {
        try (InputStream in = Objects.requireNonNull(
                CunitConsoleParserTest.class.getResourceAsStream("/conformance/tgt-1.0.85-ALL.txt"), "fixture")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void countsAgreeWithCunitsOwnSummary() throws IOException {
        ConformanceRun run = CunitConsoleParser.parse(fixture());

        assertThat(run.completed()).isTrue();
        assertThat(run.summary().orElseThrow()).isEqualTo(new ConformanceRun.Summary(230, 8));
        assertThat(run.outcomes()).hasSize(230);
        assertThat(run.failures()).hasSize(8);
        assertThat(run.tallies()).hasSize(51);
    }

    @Test
    void tellsPassedSkippedAndFailedApart() throws IOException {
        ConformanceRun run = CunitConsoleParser.parse(fixture());

        assertThat(verdictOf(run, "Inquiry.Standard")).isEqualTo(TestOutcome.Verdict.PASSED);
        assertThat(verdictOf(run, "CompareAndWrite.Simple")).isEqualTo(TestOutcome.Verdict.SKIPPED);
        assertThat(verdictOf(run, "GetLBAStatus.BeyondEol")).isEqualTo(TestOutcome.Verdict.FAILED);
        assertThat(verdictOf(run, "iSCSIdatasn.iSCSIDataSnInvalid")).isEqualTo(TestOutcome.Verdict.FAILED);
        TestOutcome beyondEol = run.outcomes().stream()
                .filter(outcome -> outcome.qualifiedName().equals("GetLBAStatus.BeyondEol")).findFirst().orElseThrow();
        assertThat(beyondEol.messages()).anySatisfy(message -> assertThat(message).contains("test_get_lba_status_beyond_eol.c:38"));
        assertThat(run.tallies().get("Read10")).isEqualTo(new ConformanceRun.SuiteTally(6, 0, 0));
    }

    @Test
    void aRunCutShortCountsItsOpenTestAsFailedAndHasNoSummary() {
        String console = "Suite: Read10\n  Test: Simple ...passed\n  Test: BeyondEol ...    [SKIPPED] x\npassed\n"
                + "  Test: ZeroBlocks ...    some output\n";

        ConformanceRun run = CunitConsoleParser.parse(console);

        assertThat(run.completed()).isFalse();
        assertThat(run.outcomes()).extracting(TestOutcome::verdict).containsExactly(
                TestOutcome.Verdict.PASSED, TestOutcome.Verdict.SKIPPED, TestOutcome.Verdict.FAILED);
    }

    @Test
    void reservedSuitesAreNotCountedInTheComparison() {
        ConformanceRun ours = CunitConsoleParser.parse(
                "Suite: ProutRegister\n  Test: Simple ...FAILED\nSuite: Read10\n  Test: Simple ...passed\n");
        ConformanceRun peer = CunitConsoleParser.parse(
                "Suite: ProutRegister\n  Test: Simple ...passed\nSuite: Read10\n  Test: Simple ...FAILED\n");

        ConformanceComparison comparison = new ConformanceComparison(ours, peer);

        assertThat(comparison.oursCountedFailures()).isEmpty();
        assertThat(comparison.oursCountedPassed()).isEqualTo(1);
        assertThat(comparison.peerCountedPassed()).isZero();
        assertThat(comparison.table()).contains("ProutRegister").contains("reserved");
        assertThat(comparison.countedSuitesWhereOursPassedFewer()).isEmpty();
        assertThat(new ConformanceComparison(peer, ours).countedSuitesWhereOursPassedFewer()).containsExactly("Read10 (0 vs 1)");
    }

    @Test
    void junitXmlCarriesFailuresAndSkips() throws IOException {
        String xml = JunitXmlReport.render("tgt", CunitConsoleParser.parse(fixture()));

        assertThat(xml).contains("<testsuites name=\"tgt\" tests=\"230\" failures=\"8\">")
                .contains("<testsuite name=\"CompareAndWrite\" tests=\"5\" failures=\"0\" skipped=\"5\">")
                .contains("<testcase classname=\"GetLBAStatus\" name=\"BeyondEol\">\n      <failure message=");
    }

    private static TestOutcome.Verdict verdictOf(ConformanceRun run, String qualifiedName) {
        return run.outcomes().stream().filter(outcome -> outcome.qualifiedName().equals(qualifiedName))
                .findFirst().orElseThrow(() -> new AssertionError("no test " + qualifiedName)).verdict();
    }
}
