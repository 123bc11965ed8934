package io.appliance.itest.conformance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one {@code iscsi-test-cu} run against one target.
 *
 * @param outcomes every test in the order it ran
 * @param summary  CUnit's own closing count, absent when the run did not finish
 */
public record ConformanceRun(List<TestOutcome> outcomes, Optional<Summary> summary) {

    public ConformanceRun {
        outcomes = List.copyOf(outcomes);
    }

    /** Whether the tool printed its run summary, that is, ran to the end. */
    public boolean completed() {
        return summary.isPresent();
    }

    /** Counts per suite, in the order the suites ran. */
    public Map<String, SuiteTally> tallies() {
        Map<String, SuiteTally> tallies = new LinkedHashMap<>();
        for (TestOutcome outcome : outcomes) {
            tallies.merge(outcome.suite(), SuiteTally.of(outcome.verdict()), SuiteTally::plus);
        }
        return tallies;
    }

    public List<TestOutcome> failures() {
        return outcomes.stream().filter(outcome -> outcome.verdict() == TestOutcome.Verdict.FAILED).toList();
    }

    /**
     * CUnit's {@code tests} row of the run summary.
     *
     * @param ran    tests run
     * @param failed tests failed
     */
    public record Summary(int ran, int failed) {
    }

    /** Passed, skipped and failed counts of one suite. */
    public record SuiteTally(int passed, int skipped, int failed) {

        public static final SuiteTally NONE = new SuiteTally(0, 0, 0);

        static SuiteTally of(TestOutcome.Verdict verdict) {
            return switch (verdict) {
                case PASSED -> new SuiteTally(1, 0, 0);
                case SKIPPED -> new SuiteTally(0, 1, 0);
                case FAILED -> new SuiteTally(0, 0, 1);
            };
        }

        public SuiteTally plus(SuiteTally other) {
            return new SuiteTally(passed + other.passed, skipped + other.skipped, failed + other.failed);
        }

        public int total() {
            return passed + skipped + failed;
        }
    }
}
