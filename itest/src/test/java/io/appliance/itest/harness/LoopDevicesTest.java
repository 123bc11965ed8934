package io.appliance.itest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loop-device harness with real lvm2: a multi-segment LV is mapped, and clean-up leaves nothing behind. */
class LoopDevicesTest {

    private static final long MIB = 1L << 20;

    @BeforeAll
    static void requireRootAndLvm2() {
        LoopDevices.assumeUsable();
    }

    @Test
    void aVolumeSpanningTwoDevicesIsMappedAndEverythingIsGoneAfterClose() throws Exception {
        String volumeGroup;
        List<String> devices;
        try (LoopDevices loops = LoopDevices.create()) {
            String small = loops.attach(24 * MIB);
            String large = loops.attach(40 * MIB);
            devices = loops.devices();
            volumeGroup = loops.volumeGroupName();
            Lvm2.runSuccessfully("vgcreate", "-s", "4M", volumeGroup, small, large);
            Lvm2.createVolumeByHand(volumeGroup, "spanning", "40M");

            ExtentMapReader map = ExtentMapReader.of(volumeGroup, "spanning");
            assertThat(map.volume().sizeBytes()).isEqualTo(40 * MIB);
            assertThat(map.volume().segments()).extracting(Lvm2.SegmentRow::device).containsOnly(small, large);
            assertThat(map.volume().segments().stream().mapToLong(Lvm2.SegmentRow::extentCount).sum()).isEqualTo(10);

            byte[] pattern = new byte[4096];
            new Random(7).nextBytes(pattern);
            long lastBlock = 40 * MIB - pattern.length;
            String[] place = map.locate(lastBlock).split("@");
            try (RandomAccessFile device = new RandomAccessFile(place[0], "rw")) {
                device.seek(Long.parseLong(place[1]));
                device.write(pattern);
                device.getFD().sync();
            }
            assertThat(map.read(lastBlock, pattern.length)).isEqualTo(pattern);
        }

        assertThat(Lvm2.volumeGroupNames()).doesNotContain(volumeGroup);
        ToolResult listing = Tool.of("losetup", "--list", "--noheadings", "--output", "NAME,BACK-FILE").run();
        for (String device : devices) {
            assertThat(listing.stdout()).as("%s still attached", device).doesNotContainPattern("(?m)^" + device + "\\s.*apitest");
        }
        try (Stream<Path> temporary = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(temporary.map(path -> path.getFileName().toString()))
                    .noneMatch(name -> name.startsWith(LoopDevices.PREFIX_FAMILY + ProcessHandle.current().pid() + "x"));
        }
    }
}
