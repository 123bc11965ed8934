package io.appliance.replication.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SyncLimitsTest {

    @Test
    void theEnginesWindowIsSizedByBytesInFlightAndNoRequestExceedsMaxDataPacket() {
        SyncLimits limits = SyncLimits.forLink(1024 * 1024);
        assertThat(limits.maxBytesInFlight()).isEqualTo(16L << 20);
        assertThat(limits.maxRequestBytes()).isEqualTo(512 * 1024);
        assertThat((long) limits.maxRequestsInFlight() * limits.maxRequestBytes())
                .as("the request count does not cap the window for maximal runs")
                .isGreaterThanOrEqualTo(limits.maxBytesInFlight());
        assertThat(limits.maxRequestsInFlight()).isEqualTo(SyncLimits.LINK_REQUESTS_IN_FLIGHT);
    }

    @Test
    void aSmallMaxDataPacketBoundsTheRequestsRoundedDownToWholeBlocks() {
        assertThat(SyncLimits.forLink(64 * 1024).maxRequestBytes()).isEqualTo(64 * 1024);
        assertThat(SyncLimits.forLink(4096 + 2048).maxRequestBytes()).isEqualTo(4096);
        assertThatThrownBy(() -> SyncLimits.forLink(2048)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("below one block");
    }
}
