package io.appliance.itest.conformance;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a conformance run as a JUnit-style XML report ({@code testsuites/testsuite/testcase} with
 * {@code failure} and {@code skipped} children), which CI viewers and people can read.
 */
public final class JunitXmlReport {

    private JunitXmlReport() {
    }

    public static String render(String name, ConformanceRun run) {
        Map<String, List<TestOutcome>> bySuite = run.outcomes().stream()
                .collect(Collectors.groupingBy(TestOutcome::suite, java.util.LinkedHashMap::new, Collectors.toList()));
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuites name=\"").append(escape(name)).append("\" tests=\"").append(run.outcomes().size())
                .append("\" failures=\"").append(run.failures().size()).append("\">\n");
        for (Map.Entry<String, List<TestOutcome>> suite : bySuite.entrySet()) {
            ConformanceRun.SuiteTally tally = run.tallies().get(suite.getKey());
            xml.append("  <testsuite name=\"").append(escape(suite.getKey())).append("\" tests=\"").append(tally.total())
                    .append("\" failures=\"").append(tally.failed()).append("\" skipped=\"").append(tally.skipped())
                    .append("\">\n");
            for (TestOutcome outcome : suite.getValue()) {
                xml.append("    <testcase classname=\"").append(escape(outcome.suite())).append("\" name=\"")
                        .append(escape(outcome.test())).append('"');
                String detail = escape(String.join("\n", outcome.messages()));
                switch (outcome.verdict()) {
                    case PASSED -> xml.append("/>\n");
                    case SKIPPED -> xml.append(">\n      <skipped message=\"").append(detail).append("\"/>\n    </testcase>\n");
                    case FAILED -> xml.append(">\n      <failure message=\"").append(detail).append("\"/>\n    </testcase>\n");
                }
            }
            xml.append("  </testsuite>\n");
        }
        return xml.append("</testsuites>\n").toString();
    }

    /** XML 1.0 attribute text: markup characters escaped, characters XML cannot carry replaced by '?'. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\n' -> escaped.append("&#10;");
                default -> escaped.append(c < 0x20 && c != '\t' ? '?' : c);
            }
        }
        return escaped.toString();
    }
}
