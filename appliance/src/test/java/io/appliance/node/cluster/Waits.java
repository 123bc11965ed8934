package io.appliance.node.cluster;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Bounded polling for the cluster tests. */
final class Waits {

    private static final Duration POLL = Duration.ofMillis(100);

    private Waits() {
    }

    /** Polls {@code condition} until it holds; fails with {@code what} after {@code limit}. */
    static void until(Duration limit, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
