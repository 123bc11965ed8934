package io.appliance.itest.conformance;

import java.util.List;

/**
 * How one libiscsi conformance test ended.
 *
 * @param suite    the CUnit suite, such as {@code Read10}
 * @param test     the test in it, such as {@code BeyondEol}
 * @param verdict  passed, skipped or failed
 * @param messages the lines the test printed (skip reasons, failed assertions)
 */
public record TestOutcome(String suite, String test, Verdict verdict, List<String> messages) {

    public TestOutcome {
        messages = List.copyOf(messages);
    }

    public String qualifiedName() {
        return suite + "." + test;
    }

    /** The three results the comparison counts. */
    public enum Verdict {
        /** CUnit said passed and the test did not report a skip. */
        PASSED,
        /**
         * CUnit said passed but the test printed {@code [SKIPPED]}: libiscsi skips what the target
         * does not implement (or a feature the LUN lacks) and CUnit still counts it as passed.
         */
        SKIPPED,
        /** CUnit said FAILED, or the output ended before the test's verdict. */
        FAILED
    }
}
