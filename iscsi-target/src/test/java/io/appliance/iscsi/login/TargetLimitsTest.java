package io.appliance.iscsi.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetLimitsTest {

    private static final List<String> BOTH = List.of("None", "CRC32C");

    @Test
    void defaultsAreTheDocumentedValues() {
        TargetLimits limits = TargetLimits.defaults();

        assertThat(limits).isEqualTo(new TargetLimits(262144, 1048576, 262144, 16, true, false, 1, 2, 0, 0, BOTH, BOTH));
    }

    @Test
    void firstBurstLongerThanMaxBurstIsRejected() {
        assertThatThrownBy(() -> new TargetLimits(262144, 65536, 131072, 16, true, false, 1, 2, 0, 0, BOTH, BOTH))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firstBurstLength");
    }

    @Test
    void lengthsOutsideTheRfcRangeAreRejected() {
        assertThatThrownBy(() -> new TargetLimits(511, 65536, 512, 16, true, false, 1, 2, 0, 0, BOTH, BOTH))
                .hasMessageContaining("maxRecvDataSegmentLength");
        assertThatThrownBy(() -> new TargetLimits(512, 16777216, 512, 16, true, false, 1, 2, 0, 0, BOTH, BOTH))
                .hasMessageContaining("maxBurstLength");
        assertThatThrownBy(() -> new TargetLimits(512, 512, 512, 16, true, false, 1, 3601, 0, 0, BOTH, BOTH))
                .hasMessageContaining("defaultTime2Wait");
        assertThatThrownBy(() -> new TargetLimits(512, 512, 512, 0, true, false, 1, 2, 0, 0, BOTH, BOTH))
                .hasMessageContaining("maxOutstandingR2T");
    }

    @Test
    void errorRecoveryAboveZeroNeedsOneOutstandingR2T() {
        assertThatThrownBy(() -> new TargetLimits(8192, 65536, 8192, 4, true, false, 1, 2, 20, 1, BOTH, BOTH))
                .hasMessageContaining("§13.19");
        assertThat(new TargetLimits(8192, 65536, 8192, 1, true, false, 1, 2, 20, 1, BOTH, BOTH).errorRecoveryLevel())
                .isEqualTo(1);
    }

    @Test
    void digestListsMustNameKnownDigestsOnce() {
        assertThatThrownBy(() -> new TargetLimits(8192, 65536, 8192, 1, true, false, 1, 2, 0, 0, List.of(), BOTH))
                .hasMessageContaining("headerDigests");
        assertThatThrownBy(() -> new TargetLimits(8192, 65536, 8192, 1, true, false, 1, 2, 0, 0, BOTH, List.of("MD5")))
                .hasMessageContaining("MD5");
        assertThatThrownBy(() -> new TargetLimits(8192, 65536, 8192, 1, true, false, 1, 2, 0, 0,
                List.of("None", "None"), BOTH)).hasMessageContaining("twice");
    }
}
