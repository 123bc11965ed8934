package io.appliance.iscsi.scsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BlockRangeLockTest {

    private final BlockRangeLock lock = new BlockRangeLock();

    /** An operation the test finishes by hand; records whether it started. */
    private static final class Held {
        final CompletableFuture<String> done = new CompletableFuture<>();
        volatile boolean started;

        CompletableFuture<String> start() {
            started = true;
            return done;
        }
    }

    @Test
    void overlappingExclusiveWaitsUntilTheFirstEnds() {
        Held first = new Held();
        Held second = new Held();
        CompletableFuture<String> a = lock.exclusive(0, 10, first::start);
        CompletableFuture<String> b = lock.exclusive(9, 5, second::start);
        assertThat(first.started).isTrue();
        assertThat(second.started).isFalse();
        first.done.complete("a");
        assertThat(a).isCompletedWithValue("a");
        assertThat(second.started).isTrue();
        second.done.complete("b");
        assertThat(b).isCompletedWithValue("b");
        assertThat(lock.trackedOperations()).isZero();
    }

    @Test
    void disjointExclusivesRunTogether() {
        Held first = new Held();
        Held second = new Held();
        lock.exclusive(0, 10, first::start);
        lock.exclusive(10, 10, second::start);
        assertThat(first.started).isTrue();
        assertThat(second.started).isTrue();
    }

    @Test
    void sharedOperationsNeverExcludeEachOtherAndAreUntrackedWithoutExclusives() {
        Held first = new Held();
        Held second = new Held();
        lock.shared(0, 10, first::start);
        lock.shared(5, 10, second::start);
        assertThat(first.started).isTrue();
        assertThat(second.started).isTrue();
        assertThat(lock.trackedOperations()).isZero();
    }

    @Test
    void exclusiveWaitsForUntrackedWritesInFlightEvenDisjointOnes() {
        Held write = new Held();
        Held orWrite = new Held();
        CompletableFuture<String> w = lock.shared(100, 1, write::start);
        lock.exclusive(0, 1, orWrite::start);
        assertThat(orWrite.started).as("untracked write ranges are unknown").isFalse();
        write.done.complete("w");
        assertThat(w).isCompletedWithValue("w");
        assertThat(orWrite.started).isTrue();
    }

    @Test
    void writeArrivingDuringAnExclusiveWaitsOnlyIfItOverlaps() {
        Held orWrite = new Held();
        Held overlapping = new Held();
        Held disjoint = new Held();
        lock.exclusive(10, 5, orWrite::start);
        CompletableFuture<String> o = lock.shared(14, 2, overlapping::start);
        lock.shared(15, 2, disjoint::start);
        assertThat(orWrite.started).isTrue();
        assertThat(overlapping.started).isFalse();
        assertThat(disjoint.started).isTrue();
        assertThat(lock.trackedOperations()).isEqualTo(3);
        orWrite.done.complete("or");
        assertThat(overlapping.started).isTrue();
        overlapping.done.complete("o");
        assertThat(o).isCompletedWithValue("o");
        disjoint.done.complete("d");
        assertThat(lock.trackedOperations()).isZero();
        Held later = new Held();
        lock.shared(14, 2, later::start);
        assertThat(later.started).isTrue();
        assertThat(lock.trackedOperations()).as("untracked again once no exclusive is present").isZero();
    }

    @Test
    void conflictingRequestsAreGrantedInArrivalOrder() {
        Held first = new Held();
        Held waitingExclusive = new Held();
        Held laterWrite = new Held();
        lock.exclusive(0, 10, first::start);
        lock.exclusive(5, 10, waitingExclusive::start);
        // overlaps only the waiting exclusive, which arrived earlier: it must not overtake it
        lock.shared(12, 1, laterWrite::start);
        assertThat(laterWrite.started).isFalse();
        first.done.complete("1");
        assertThat(waitingExclusive.started).isTrue();
        assertThat(laterWrite.started).isFalse();
        waitingExclusive.done.complete("2");
        assertThat(laterWrite.started).isTrue();
    }

    @Test
    void failedOrThrowingOperationsReleaseTheirRange() {
        CompletableFuture<String> failed = lock.exclusive(0, 4,
                () -> CompletableFuture.failedFuture(new IllegalStateException("io")));
        assertThat(failed).isCompletedExceptionally();
        CompletableFuture<String> thrown = lock.exclusive(0, 4, () -> {
            throw new IllegalStateException("bug");
        });
        assertThatThrownBy(thrown::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> lock.shared(0, 4, () -> {
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class);
        Held next = new Held();
        lock.exclusive(0, 4, next::start);
        assertThat(next.started).isTrue();
    }

    @Test
    void emptyOrNegativeRangesAreRefused() {
        assertThatThrownBy(() -> lock.exclusive(0, 0, CompletableFuture::new)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lock.shared(-1, 1, CompletableFuture::new)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lock.shared(Long.MAX_VALUE, 2, CompletableFuture::new))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Many threads run a random mix of shared and exclusive operations on a small LBA space; each
     * operation completes later on a pool thread. A per-block occupancy table checks that no
     * exclusive operation ever overlaps another running operation, and every operation must be
     * granted (a lost grant hangs the round). Several rounds on fresh locks: a lost grant once
     * needed a rare interleaving of an exclusive request with the last untracked writer's end.
     */
    @Test
    void randomConcurrentMixNeverRunsConflictingOperationsTogether() throws Exception {
        for (int round = 0; round < 20; round++) {
            runRandomMix(new BlockRangeLock(), round);
        }
    }

    private static void runRandomMix(BlockRangeLock lock, int round) throws Exception {
        int blocks = 32;
        int[] exclusiveHolders = new int[blocks];
        int[] sharedHolders = new int[blocks];
        AtomicReference<String> violation = new AtomicReference<>();
        AtomicInteger exclusiveRuns = new AtomicInteger();
        ExecutorService completions = Executors.newFixedThreadPool(3);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Void>> all = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> submissions = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = round * 4 + t;
                submissions.add(submitters.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 500; i++) {
                        int start = random.nextInt(blocks - 4);
                        int length = 1 + random.nextInt(4);
                        boolean exclusive = random.nextInt(4) == 0;
                        Supplier<CompletableFuture<Void>> operation = () -> {
                            synchronized (exclusiveHolders) {
                                for (int b = start; b < start + length; b++) {
                                    if (exclusiveHolders[b] > 0 || (exclusive && sharedHolders[b] > 0)) {
                                        violation.compareAndSet(null, "conflict on block " + b);
                                    }
                                    if (exclusive) {
                                        exclusiveHolders[b]++;
                                    } else {
                                        sharedHolders[b]++;
                                    }
                                }
                            }
                            return CompletableFuture.runAsync(() -> {
                                synchronized (exclusiveHolders) {
                                    for (int b = start; b < start + length; b++) {
                                        if (exclusive) {
                                            exclusiveHolders[b]--;
                                        } else {
                                            sharedHolders[b]--;
                                        }
                                    }
                                }
                            }, completions);
                        };
                        if (exclusive) {
                            exclusiveRuns.incrementAndGet();
                            all.add(lock.exclusive(start, length, operation));
                        } else {
                            all.add(lock.shared(start, length, operation));
                        }
                    }
                }));
            }
            for (Future<?> submission : submissions) {
                submission.get(10, TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(all).hasSize(2000);
            assertThat(exclusiveRuns.get()).isGreaterThan(100);
            assertThat(violation.get()).isNull();
            assertThat(lock.trackedOperations()).isZero();
        } finally {
            submitters.shutdownNow();
            completions.shutdownNow();
            assertThat(submitters.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(completions.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
