package io.appliance.lvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemDevicesTest {

    @TempDir
    Path dir;

    @Test
    void findsMountsThroughSymlinksAndSwaps() throws Exception {
        Path disk = Files.createFile(dir.resolve("sdb"));
        Path byId = Files.createSymbolicLink(dir.resolve("by-id-disk"), disk);
        Path swapDisk = Files.createFile(dir.resolve("sdc"));
        Path mounts = Files.writeString(dir.resolve("mounts"), "proc /proc proc rw 0 0\n"
                + byId + " /srv/my\\040data ext4 rw,relatime 0 0\n");
        Path swaps = Files.writeString(dir.resolve("swaps"),
                "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n" + swapDisk + "  partition\t1048572\t\t0\t\t-2\n");
        SystemDevices devices = new SystemDevices(mounts, swaps);

        assertThat(devices.useOutsideLvm(disk.toString())).contains("mounted at /srv/my data");
        assertThat(devices.useOutsideLvm(swapDisk.toString())).contains("used as swap");
        assertThat(devices.useOutsideLvm(dir.resolve("free").toString())).isEqualTo(Optional.empty());
        assertThat(devices.exists(byId.toString())).isTrue();
        assertThat(devices.exists(dir.resolve("free").toString())).isFalse();
        assertThat(devices.canonical(byId.toString())).isEqualTo(disk.toRealPath().toString());
    }

    @Test
    void missingProcFilesMeanNothingIsInUse() throws LvmException {
        SystemDevices devices = new SystemDevices(dir.resolve("none1"), dir.resolve("none2"));

        assertThat(devices.useOutsideLvm("/dev/loop0")).isEmpty();
    }

    @Test
    void unescapesOctalButLeavesOtherBackslashes() {
        assertThat(SystemDevices.unescape("/a\\040b\\011c")).isEqualTo("/a b\tc");
        assertThat(SystemDevices.unescape("/a\\9x\\04")).isEqualTo("/a\\9x\\04");
    }
}
