package io.appliance.replication.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetadataLayoutTest {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;
    private static final long TIB = 1024 * GIB;

    @Test
    void internalLayoutOfOneGibibyte() throws Exception {
        MetadataLayout layout = MetadataLayout.internal(GIB, 1237);

        // bitmap: 262144 bits = 32 KiB; AL slot: 32 + 4 * 1237 = 4980 -> 8 KiB
        assertThat(layout.bitmapBytes()).isEqualTo(32 * KIB);
        assertThat(layout.alSlotBytes()).isEqualTo(8192);
        assertThat(layout.mdBytes()).isEqualTo(2 * 4096 + 2 * 8192 + 32 * KIB);
        assertThat(layout.mdOffset()).isEqualTo(GIB - 56 * KIB);
        assertThat(layout.dataBytes()).isEqualTo(layout.mdOffset());
        assertThat(layout.alOffset()).isEqualTo(layout.mdOffset() + 8192);
        assertThat(layout.alSlotOffset(1)).isEqualTo(layout.alOffset() + 8192);
        assertThat(layout.bitmapOffset()).isEqualTo(layout.mdOffset() + 8192 + 16384);
        assertThat(layout.bitmapOffset() + layout.bitmapBytes()).isEqualTo(GIB);
        assertThat(layout.superblockOffset(1)).isEqualTo(layout.mdOffset() + 4096);
        assertThat(layout.internal()).isTrue();
        assertThat(layout.bitCount()).isEqualTo((GIB - 56 * KIB) / 4096);
        assertThat(layout.extentCount()).isEqualTo(256);
    }

    @Test
    void internalLayoutOfOneTebibyte() throws Exception {
        MetadataLayout layout = MetadataLayout.internal(TIB, 1237);

        // 2^28 bits = 32 MiB of bitmap
        assertThat(layout.bitmapBytes()).isEqualTo(32 * MIB);
        assertThat(layout.mdBytes()).isEqualTo(8192 + 16384 + 32 * MIB);
        assertThat(layout.dataBytes()).isEqualTo(TIB - layout.mdBytes());
        assertThat(layout.bitmapBytes() * 8).isGreaterThanOrEqualTo(layout.bitCount());
    }

    @Test
    void backingSizeIsRoundedDownToFourKibibytes() throws Exception {
        assertThat(MetadataLayout.internal(GIB + 4095, 1237)).isEqualTo(MetadataLayout.internal(GIB, 1237));
    }

    @Test
    void everyOffsetIsPageAlignedAndTheBitmapCoversTheData() throws Exception {
        for (long backing : new long[] {40 * KIB, 128 * MIB + 4096, 3 * GIB + 12345, 5 * TIB + 7}) {
            for (int alExtents : new int[] {7, 127, 1237, 65534}) {
                if (backing < MetadataLayout.minimumInternalBackingBytes(alExtents)) {
                    continue;
                }
                MetadataLayout layout = MetadataLayout.internal(backing, alExtents);
                assertThat(java.util.List.of(layout.mdOffset(), layout.mdBytes(), layout.alOffset(),
                    (long) layout.alSlotBytes(), layout.bitmapOffset(), layout.bitmapBytes(), layout.dataBytes()))
                    .allMatch(value -> value % 4096 == 0);
                assertThat(layout.bitmapBytes() * 8).isGreaterThanOrEqualTo(layout.bitCount());
                assertThat(layout.alSlotBytes()).isGreaterThanOrEqualTo(24 + 4 * alExtents);
                assertThat(layout.mdOffset() + layout.mdBytes()).isLessThanOrEqualTo(backing);
            }
        }
    }

    @Test
    void alSlotSizeFollowsTheExtentCount() throws Exception {
        assertThat(MetadataLayout.alSlotBytesFor(7)).isEqualTo(4096);
        assertThat(MetadataLayout.alSlotBytesFor(1016)).isEqualTo(4096);
        assertThat(MetadataLayout.alSlotBytesFor(1017)).isEqualTo(8192);
        assertThat(MetadataLayout.alSlotBytesFor(65534)).isEqualTo(266240);
    }

    @Test
    void tinyBackingDeviceIsTooSmallAndTheMessageNamesTheMinimum() throws Exception {
        long minimum = MetadataLayout.minimumInternalBackingBytes(1237);
        // 2 superblocks + 2 AL slots of 8 KiB + one bitmap page + one data block
        assertThat(minimum).isEqualTo(8192 + 16384 + 4096 + 4096);

        assertThatThrownBy(() -> MetadataLayout.internal(16 * KIB, 1237))
            .isInstanceOf(MetadataException.class)
            .hasMessageContaining("at least " + minimum + " bytes")
            .satisfies(e -> assertThat(((MetadataException) e).reason()).isEqualTo(MetadataException.Reason.TOO_SMALL));
        assertThatThrownBy(() -> MetadataLayout.internal(minimum - 1, 1237))
            .isInstanceOf(MetadataException.class);
        assertThat(MetadataLayout.internal(minimum, 1237).dataBytes()).isEqualTo(4096);
        assertThatThrownBy(() -> MetadataLayout.internal(-1, 7)).isInstanceOf(MetadataException.class);
    }

    @Test
    void externalLayoutKeepsTheWholeBackingForData() throws Exception {
        MetadataLayout layout = MetadataLayout.external(GIB + 100, 1 * MIB, 1237);

        assertThat(layout.internal()).isFalse();
        assertThat(layout.mdOffset()).isZero();
        assertThat(layout.dataBytes()).isEqualTo(GIB);
        assertThat(layout.mdBytes()).isEqualTo(56 * KIB);
        assertThat(layout.alOffset()).isEqualTo(8192);
        assertThat(layout.bitmapOffset()).isEqualTo(8192 + 16384);
    }

    @Test
    void externalMetaDeviceTooSmallNamesTheNeededSize() {
        assertThatThrownBy(() -> MetadataLayout.external(GIB, 56 * KIB - 4096, 1237))
            .isInstanceOf(MetadataException.class)
            .hasMessageContaining("at least " + 56 * KIB + " bytes")
            .satisfies(e -> assertThat(((MetadataException) e).reason()).isEqualTo(MetadataException.Reason.TOO_SMALL));
        assertThatThrownBy(() -> MetadataLayout.external(4095, MIB, 1237))
            .isInstanceOf(MetadataException.class)
            .hasMessageContaining("at least 4096 bytes");
    }

    @Test
    void alExtentsOutsideDrbdRangeAreRejected() {
        assertThatThrownBy(() -> MetadataLayout.internal(GIB, 6)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("7..65534");
        assertThatThrownBy(() -> MetadataLayout.external(GIB, GIB, 65535)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inconsistentHandMadeLayoutIsRejected() {
        assertThatThrownBy(() -> new MetadataLayout(0, 8192, 4096, 7, 4096, 4096, 8192, 4096, false))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
