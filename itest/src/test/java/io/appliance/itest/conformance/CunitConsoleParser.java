package io.appliance.itest.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the console output of {@code iscsi-test-cu} (CUnit's basic interface in verbose mode).
 * Its XML mode ({@code -x}, {@code CUnitAutomated-Results.xml}) records skipped tests as
 * successes without their skip message, so only the console output tells a skip from a pass.
 *
 * <p>The output is a sequence of {@code Suite: NAME} lines, each followed by tests written as
 * {@code "  Test: NAME ..."}, then anything the test prints (lines ending in a newline), then
 * {@code passed} or {@code FAILED} (on the Test line when the test printed nothing), then, for
 * failures, numbered assertion lines. Output of a suite's clean-up may follow a verdict on the
 * same line and is not attributed to any test. A {@code Run Summary:} table closes a complete run.
 */
public final class CunitConsoleParser {

    private static final Pattern SUITE = Pattern.compile("^Suite: (\\S.*)$");
    private static final Pattern TEST = Pattern.compile("^  Test: (.+?) \\.\\.\\.(.*)$");
    private static final Pattern TESTS_SUMMARY = Pattern.compile("^\\s+tests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final String SKIP_MARK = "[SKIPPED]";

    private CunitConsoleParser() {
    }

    /** Parses one run's console output; never throws on odd input, an unfinished test counts as failed. */
    public static ConformanceRun parse(String console) {
        State state = new State();
        for (String line : console.split("\r?\n", -1)) {
            state.accept(line);
        }
        state.closeOpenTest("no verdict: the output ended inside this test");
        return new ConformanceRun(state.outcomes, Optional.ofNullable(state.summary));
    }

    /** The parser's position in the output. */
    private static final class State {
        private final List<TestOutcome> outcomes = new ArrayList<>();
        private ConformanceRun.Summary summary;
        private boolean inSummary;
        private String suite = "";
        private String test;
        private boolean skipped;
        private final List<String> messages = new ArrayList<>();

        void accept(String line) {
            if (inSummary) {
                Matcher tests = TESTS_SUMMARY.matcher(line);
                if (tests.matches()) {
                    summary = new ConformanceRun.Summary(Integer.parseInt(tests.group(2)),
                            Integer.parseInt(tests.group(4)));
                }
                return;
            }
            if (line.startsWith("Run Summary:")) {
                closeOpenTest("no verdict before the run summary");
                inSummary = true;
                return;
            }
            Matcher suiteLine = SUITE.matcher(line);
            if (suiteLine.matches()) {
                closeOpenTest("no verdict before the next suite");
                suite = suiteLine.group(1).strip();
                return;
            }
            Matcher testLine = TEST.matcher(line);
            if (testLine.matches()) {
                closeOpenTest("no verdict before the next test");
                test = testLine.group(1).strip();
                skipped = false;
                messages.clear();
                body(testLine.group(2));
                return;
            }
            if (test != null) {
                body(line);
            } else if (line.strip().matches("\\d+\\. .*") && !outcomes.isEmpty()) {
                appendToLastFailure(line.strip());
            }
        }

        /**
         * A line (or the rest of a Test line) printed while a test runs. CUnit writes the verdict
         * right after the test's own output, which ends with a newline, so a verdict starts the
         * content; whatever follows it on that line comes from suite clean-up, not from the test.
         */
        private void body(String text) {
            String content = text.strip();
            if (content.startsWith("passed")) {
                finish(skipped ? TestOutcome.Verdict.SKIPPED : TestOutcome.Verdict.PASSED);
            } else if (content.startsWith("FAILED")) {
                finish(TestOutcome.Verdict.FAILED);
            } else {
                if (content.contains(SKIP_MARK)) {
                    skipped = true;
                }
                remember(content);
            }
        }

        private void remember(String content) {
            if (!content.isBlank()) {
                messages.add(content.strip());
            }
        }

        private void finish(TestOutcome.Verdict verdict) {
            outcomes.add(new TestOutcome(suite, test, verdict, messages));
            test = null;
            messages.clear();
        }

        /** CUnit lists a failed test's assertions ({@code 1. file.c:38 - CU_ASSERT...}) after its verdict. */
        private void appendToLastFailure(String assertion) {
            TestOutcome last = outcomes.get(outcomes.size() - 1);
            if (last.verdict() == TestOutcome.Verdict.FAILED) {
                List<String> more = new ArrayList<>(last.messages());
                more.add(assertion);
                outcomes.set(outcomes.size() - 1, new TestOutcome(last.suite(), last.test(), last.verdict(), more));
            }
        }

        void closeOpenTest(String reason) {
            if (test != null) {
                messages.add(reason);
                finish(TestOutcome.Verdict.FAILED);
            }
        }
    }
}
