package io.appliance.replication.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class DataAreaTest {

    private final MemoryBlockDevice device = new MemoryBlockDevice(64 * 1024);

    @Test
    void coversOnlyTheFirstDataBytes() {
        DataArea area = DataArea.of(device, 32 * 1024);
        assertThat(area.size()).isEqualTo(32 * 1024);

        ByteBuffer block = ByteBuffer.allocate(4096);
        block.put(0, (byte) 7);
        area.write(28 * 1024, block, false).join();
        ByteBuffer back = ByteBuffer.allocate(4096);
        area.read(28 * 1024, back).join();
        assertThat(back.get(0)).isEqualTo((byte) 7);

        assertThatThrownBy(() -> area.read(30 * 1024, ByteBuffer.allocate(4096)).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside the data area of 32768 bytes");
        assertThatThrownBy(() -> area.write(32 * 1024, ByteBuffer.allocate(512), false).join())
                .cause().isInstanceOf(IllegalArgumentException.class);
        assertThat(area.flush()).isCompleted();
    }

    @Test
    void refusesAnAreaLargerThanTheDevice() {
        assertThatThrownBy(() -> DataArea.of(device, 128 * 1024))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    }
}
