package io.appliance.itest.conformance;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two conformance runs side by side: ours and the tgt peer's, on LUNs of the same size.
 *
 * @param ours the appliance's run
 * @param peer tgtd's run
 */
public record ConformanceComparison(ConformanceRun ours, ConformanceRun peer) {

    /** Suites of either run, ours' order first. */
    public List<String> suites() {
        Set<String> names = new LinkedHashSet<>(ours.tallies().keySet());
        names.addAll(peer.tallies().keySet());
        return List.copyOf(names);
    }

    /** Our failed tests in suites that are not {@link ReservedSuites reserved}. */
    public List<TestOutcome> oursCountedFailures() {
        return ours.failures().stream().filter(outcome -> !ReservedSuites.isReserved(outcome.suite())).toList();
    }

    public int oursCountedPassed() {
        return countedPassed(ours);
    }

    public int peerCountedPassed() {
        return countedPassed(peer);
    }

    /** Non-reserved suites where ours passed fewer tests than the peer, as {@code "Suite (ours vs peer)"}. */
    public List<String> countedSuitesWhereOursPassedFewer() {
        Map<String, ConformanceRun.SuiteTally> oursTallies = ours.tallies();
        Map<String, ConformanceRun.SuiteTally> peerTallies = peer.tallies();
        List<String> behind = new ArrayList<>();
        for (String suite : suites()) {
            int oursPassed = oursTallies.getOrDefault(suite, ConformanceRun.SuiteTally.NONE).passed();
            int peerPassed = peerTallies.getOrDefault(suite, ConformanceRun.SuiteTally.NONE).passed();
            if (!ReservedSuites.isReserved(suite) && oursPassed < peerPassed) {
                behind.add(suite + " (" + oursPassed + " vs " + peerPassed + ")");
            }
        }
        return behind;
    }

    /** Tests the peer's run has and ours lacks (ours stopped early, or listed other tests). */
    public List<String> testsMissingFromOurs() {
        Set<String> oursNames = new LinkedHashSet<>();
        ours.outcomes().forEach(outcome -> oursNames.add(outcome.qualifiedName()));
        List<String> missing = new ArrayList<>();
        for (TestOutcome outcome : peer.outcomes()) {
            if (!oursNames.contains(outcome.qualifiedName())) {
                missing.add(outcome.qualifiedName());
            }
        }
        return missing;
    }

    /** A fixed-width table of passed/skipped/failed per suite for both targets, reserved suites marked. */
    public String table() {
        Map<String, ConformanceRun.SuiteTally> oursTallies = ours.tallies();
        Map<String, ConformanceRun.SuiteTally> peerTallies = peer.tallies();
        StringBuilder table = new StringBuilder();
        String format = "%-26s %-8s | %5s %5s %5s | %5s %5s %5s%n";
        table.append(String.format("%-35s | %-17s | %-17s%n", "suite", "ours", "tgt"));
        table.append(String.format(format, "", "", "pass", "skip", "fail", "pass", "skip", "fail"));
        ConformanceRun.SuiteTally oursCounted = ConformanceRun.SuiteTally.NONE;
        ConformanceRun.SuiteTally peerCounted = ConformanceRun.SuiteTally.NONE;
        ConformanceRun.SuiteTally oursAll = ConformanceRun.SuiteTally.NONE;
        ConformanceRun.SuiteTally peerAll = ConformanceRun.SuiteTally.NONE;
        for (String suite : suites()) {
            ConformanceRun.SuiteTally o = oursTallies.getOrDefault(suite, ConformanceRun.SuiteTally.NONE);
            ConformanceRun.SuiteTally p = peerTallies.getOrDefault(suite, ConformanceRun.SuiteTally.NONE);
            boolean reserved = ReservedSuites.isReserved(suite);
            table.append(row(format, suite, reserved ? "reserved" : "", o, p));
            oursAll = oursAll.plus(o);
            peerAll = peerAll.plus(p);
            if (!reserved) {
                oursCounted = oursCounted.plus(o);
                peerCounted = peerCounted.plus(p);
            }
        }
        table.append(row(format, "TOTAL counted", "", oursCounted, peerCounted));
        table.append(row(format, "TOTAL all", "", oursAll, peerAll));
        return table.toString();
    }

    private static String row(String format, String suite, String mark, ConformanceRun.SuiteTally o, ConformanceRun.SuiteTally p) {
        return String.format(format, suite, mark, o.passed(), o.skipped(), o.failed(), p.passed(), p.skipped(), p.failed());
    }

    private static int countedPassed(ConformanceRun run) {
        return run.tallies().entrySet().stream()
                .filter(entry -> !ReservedSuites.isReserved(entry.getKey()))
                .mapToInt(entry -> entry.getValue().passed())
                .sum();
    }
}
