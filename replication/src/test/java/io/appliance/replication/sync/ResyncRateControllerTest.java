package io.appliance.replication.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResyncRateControllerTest {

    private static final long MIB = 1024 * 1024;

    private final ManualClock clock = new ManualClock();

    /** Sends greedily every tick and returns the bytes sent over {@code duration}. */
    private static long sendGreedily(ResyncRateController rate, ManualClock clock, Duration duration, Duration tick) {
        long sent = 0;
        for (Duration elapsed = Duration.ZERO; elapsed.compareTo(duration) < 0; elapsed = elapsed.plus(tick)) {
            long allowed = rate.allowance();
            while (allowed >= 4096) {
                long chunk = Math.min(allowed, 128 * 1024);
                rate.consumed(chunk);
                sent += chunk;
                allowed = rate.allowance();
            }
            clock.advance(tick);
        }
        return sent;
    }

    @Test
    void obeysTheConfiguredRateOverTenSeconds() {
        ResyncRateController rate = new ResyncRateController(clock, 10 * MIB, 250 * 1024);
        long sent = sendGreedily(rate, clock, Duration.ofSeconds(10), Duration.ofMillis(20));
        long bucket = (long) (10 * MIB * 0.25);
        assertThat(sent).isBetween(100 * MIB - 128 * 1024, 100 * MIB + bucket);
    }

    @Test
    void neverGoesBelowTheFloor() {
        ResyncRateController rate = new ResyncRateController(clock, 1024, 1 * MIB);
        assertThat(rate.rateBytesPerSecond()).isEqualTo(MIB);
        rate.setRate(10);
        assertThat(rate.effectiveRate()).isEqualTo(MIB);
        long sent = sendGreedily(rate, clock, Duration.ofSeconds(5), Duration.ofMillis(50));
        assertThat(sent).isGreaterThanOrEqualTo(5 * MIB - 128 * 1024);
    }

    @Test
    void applicationIoThrottlesToTheFloorButNotBelow() {
        ResyncRateController rate = new ResyncRateController(clock, 100 * MIB, 1 * MIB);
        rate.consumed(rate.allowance());
        long sent = 0;
        for (int tick = 0; tick < 100; tick++) {          // 2 s with application I/O every 20 ms
            rate.noteApplicationIo();
            clock.advance(Duration.ofMillis(20));
            long allowed = rate.allowance();
            rate.consumed(allowed);
            sent += allowed;
        }
        assertThat(rate.effectiveRate()).isEqualTo(MIB);
        assertThat(sent).isBetween(2 * MIB - 64 * 1024, 2 * MIB + 128 * 1024);

        clock.advance(ResyncRateController.APPLICATION_IO_WINDOW);
        assertThat(rate.effectiveRate()).isEqualTo(100 * MIB);
    }

    @Test
    void debtIsPaidBackBeforeMoreIsAllowed() {
        ResyncRateController rate = new ResyncRateController(clock, MIB, 64 * 1024);
        rate.consumed(rate.allowance());
        rate.consumed(MIB);                                 // one second into debt
        clock.advance(Duration.ofMillis(900));
        assertThat(rate.allowance()).isZero();
        clock.advance(Duration.ofMillis(200));
        assertThat(rate.allowance()).isBetween(100_000L, 110_000L);
    }

    @Test
    void bucketAlwaysHoldsOneMaximalRequest() {
        ResyncRateController rate = new ResyncRateController(clock, 4096, 4096);
        assertThat(rate.allowance()).isEqualTo(ResyncRateController.MIN_BUCKET_BYTES);
    }

    @Test
    void rejectsNonPositiveFloor() {
        assertThatThrownBy(() -> new ResyncRateController(clock, MIB, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minimum resync rate");
    }
}
