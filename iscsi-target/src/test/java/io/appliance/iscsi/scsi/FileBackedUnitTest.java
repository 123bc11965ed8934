package io.appliance.iscsi.scsi;

import static io.appliance.iscsi.scsi.ScsiTestKit.cdb;
import static io.appliance.iscsi.scsi.ScsiTestKit.pattern;
import static io.appliance.iscsi.scsi.ScsiTestKit.read10;
import static io.appliance.iscsi.scsi.ScsiTestKit.run;
import static io.appliance.iscsi.scsi.ScsiTestKit.write10;
import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.iscsi.block.FileBlockDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command set over a real sparse file on an I/O pool, as the appliance wires it. */
class FileBackedUnitTest {

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopPool() throws InterruptedException {
        io.shutdown();
        assertThat(io.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void writeReadVerifyAndSynchronizeThroughAFile() throws Exception {
        Path file = dir.resolve("luns/disk0.img");
        try (LogicalUnit unit = new LogicalUnit(LunIdentity.derive(UUID.randomUUID()),
                FileBlockDevice.create(file, 64L << 20, 4096, io), false)) {
            ScsiTarget target = new ScsiTarget(ScsiTestKit.TARGET_NAME, 1, 1);
            target.addLun(0, unit);
            ScsiNexusPort port = target.openNexus(ScsiTestKit.nexus("iqn.1994-05.com.example:f"), Map.of());
            byte[] capacity = run(port, cdb(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0)).isGood().data;
            assertThat(Cdb.u32(capacity, 0)).isEqualTo((64L << 20) / 4096 - 1);
            assertThat(Cdb.u32(capacity, 4)).isEqualTo(4096);
            byte[] data = pattern(8 * 4096, 11);
            byte[] fua = write10(1000, 8);
            fua[1] = 0x08;
            run(port, fua, data).isGood();
            assertThat(run(port, read10(1000, 8)).isGood().data).isEqualTo(data);
            assertThat(run(port, read10(5, 2)).isGood().data).isEqualTo(new byte[2 * 4096]);
            byte[] verify = read10(1000, 8);
            verify[0] = 0x2F;
            verify[1] = 0x02;
            run(port, verify, data).isGood();
            run(port, cdb(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0)).isGood();
            byte[] onDisk = new byte[data.length];
            try (var channel = java.nio.channels.FileChannel.open(file)) {
                channel.read(java.nio.ByteBuffer.wrap(onDisk), 1000L * 4096);
            }
            assertThat(onDisk).isEqualTo(data);
        }
        assertThat(Files.size(file)).isEqualTo(64L << 20);
    }
}
