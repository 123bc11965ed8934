package io.appliance.replication.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RangeOrderingTest {

    @Test
    void aLaterOverlappingRangeWaitsForTheEarlierOneAndDisjointRangesDoNot() {
        RangeOrdering ordering = new RangeOrdering();
        RangeOrdering.Entry first = ordering.admit(0, 8192);
        RangeOrdering.Entry overlapping = ordering.admit(4096, 4096);
        RangeOrdering.Entry disjoint = ordering.admit(8192, 4096);
        assertThat(first.ready()).isDone();
        assertThat(overlapping.ready()).isNotDone();
        assertThat(disjoint.ready()).isDone();
        assertThat(ordering.overlapsDone(0, 512)).isNotDone();

        ordering.release(first);
        assertThat(overlapping.ready()).isDone();
        assertThat(ordering.size()).isEqualTo(2);
    }

    @Test
    void aBarrierWaitsForEveryEarlierEntryAndIsNotWaitedFor() {
        RangeOrdering ordering = new RangeOrdering();
        RangeOrdering.Entry write = ordering.admit(1 << 20, 512);
        RangeOrdering.Entry barrier = ordering.admit(0, 0);
        RangeOrdering.Entry later = ordering.admit(1 << 20, 512);
        assertThat(barrier.ready()).isNotDone();
        assertThat(ordering.drained()).isNotDone();
        ordering.release(write);
        assertThat(barrier.ready()).isDone();
        assertThat(later.ready()).isDone();
    }
}
