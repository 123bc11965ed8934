package io.appliance.replication.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyncProgressTest {

    @Test
    void aStoppedProgressKeepsItsPositionWithoutRateOrEta() {
        SyncProgress running = SyncProgress.of(10_000, 5_480, 1_000);
        assertThat(running.eta()).isPresent();
        SyncProgress stopped = running.stopped();
        assertThat(stopped.remainingBytes()).isEqualTo(5_480);
        assertThat(stopped.percentDone()).isEqualTo(45.20);
        assertThat(stopped.bytesPerSecond()).isZero();
        assertThat(stopped.eta()).isEmpty();
    }

    @Test
    void percentIsRoundedDownToTwoDecimals() {
        SyncProgress progress = SyncProgress.of(10_000, 5_480, 0);
        assertThat(progress.percentDone()).isEqualTo(45.20);
        assertThat(progress.doneText()).isEqualTo("done:45.20");
        assertThat(SyncProgress.of(3, 1, 0).percentDone()).isEqualTo(66.66);
    }

    @Test
    void neverShowsHundredBeforeTheEnd() {
        assertThat(SyncProgress.of(1_000_000_000L, 1, 0).percentDone()).isEqualTo(99.99);
        assertThat(SyncProgress.of(1_000_000_000L, 0, 0).percentDone()).isEqualTo(100.0);
        assertThat(SyncProgress.of(0, 0, 0).percentDone()).isEqualTo(100.0);
    }

    @Test
    void etaIsRemainingOverRate() {
        SyncProgress progress = SyncProgress.of(100 * 1024 * 1024, 30 * 1024 * 1024, 10 * 1024 * 1024);
        assertThat(progress.eta()).contains(Duration.ofSeconds(3));
        assertThat(SyncProgress.of(1000, 250, 100).eta()).contains(Duration.ofMillis(2500));
        assertThat(SyncProgress.of(1000, 250, 0).eta()).isEmpty();
        assertThat(SyncProgress.of(1000, 0, 0).eta()).contains(Duration.ZERO);
    }

    @Test
    void remainingAboveTotalRaisesTheTotal() {
        SyncProgress progress = SyncProgress.of(100, 150, 0);
        assertThat(progress.totalBytes()).isEqualTo(150);
        assertThat(progress.percentDone()).isZero();
    }

    @Test
    void constructorRejectsInconsistentValues() {
        assertThatThrownBy(() -> new SyncProgress(10, 20, 0, 0, java.util.Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rateMeterAveragesOverTheWindow() {
        ManualClock clock = new ManualClock();
        SyncRateMeter meter = new SyncRateMeter(clock, Duration.ofSeconds(3));
        long done = 0;
        for (int i = 0; i < 30; i++) {                      // 3 s at 1 MB/s
            clock.advance(Duration.ofMillis(100));
            done += 100_000;
            meter.record(done);
        }
        for (int i = 0; i < 30; i++) {                      // then 3 s at 4 MB/s
            clock.advance(Duration.ofMillis(100));
            done += 400_000;
            meter.record(done);
        }
        assertThat(meter.record(done)).isBetween(3_800_000L, 4_000_000L);

        clock.advance(Duration.ofMillis(1500));             // stalled for half the window
        assertThat(meter.record(done)).isBetween(1_800_000L, 2_200_000L);
    }

    @Test
    void rateMeterProgressCombinesRateAndEta() {
        ManualClock clock = new ManualClock();
        SyncRateMeter meter = new SyncRateMeter(clock);
        for (int second = 1; second <= 4; second++) {
            clock.advance(Duration.ofSeconds(1));
            meter.progress(10_000_000, 10_000_000 - second * 1_000_000L);
        }
        SyncProgress progress = meter.progress(10_000_000, 6_000_000);
        assertThat(progress.bytesPerSecond()).isEqualTo(1_000_000);
        assertThat(progress.eta()).contains(Duration.ofSeconds(6));
        assertThat(progress.percentDone()).isEqualTo(40.0);
    }
}
