package io.appliance.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemAgentTest {

    @TempDir
    Path directory;

    private final ScriptedCommandRunner runner = new ScriptedCommandRunner();
    private Path mountTable;
    private Path mountPoint;
    private FilesystemAgent agent;

    @BeforeEach
    void setUp() {
        mountTable = directory.resolve("mounts");
        mountPoint = directory.resolve("my data");
        agent = new FilesystemAgent(PrimitiveDefinition.of("fs", "Filesystem", Map.of("device", "/dev/loop7",
                "directory", mountPoint.toString(), "fstype", "ext4", "options", "noatime")),
                new MountCommand(runner, mountTable, Duration.ofSeconds(5)));
    }

    private void mountTableWith(String device) throws Exception {
        Files.writeString(mountTable, "proc /proc proc rw,nosuid 0 0\n" + device + " "
                + mountPoint.toString().replace(" ", "\\040") + " ext4 rw,noatime 0 0\n");
    }

    @Test
    void startCreatesTheMountPointAndMounts() throws Exception {
        Files.writeString(mountTable, "proc /proc proc rw 0 0\n");
        runner.succeeds("mount -t ext4 -o noatime /dev/loop7 " + mountPoint);

        assertThat(agent.start()).isEqualTo(AgentResult.ok());

        assertThat(mountPoint).isDirectory();
        assertThat(runner.calls()).hasSize(1);
        assertThat(runner.calls().get(0).argv()).containsExactly("mount", "-t", "ext4", "-o", "noatime", "/dev/loop7", mountPoint.toString());
    }

    @Test
    void startOnAMountedFilesystemDoesNothing() throws Exception {
        mountTableWith("/dev/loop7");

        assertThat(agent.start().status()).isEqualTo(OcfStatus.OK);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void anotherDeviceOnTheMountPointIsAFailureAndIsNotUnmounted() throws Exception {
        mountTableWith("/dev/loop9");

        assertThat(agent.start().reason()).contains("/dev/loop9 mounted, not /dev/loop7");
        assertThat(agent.stop().status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void stopUnmounts() throws Exception {
        mountTableWith("/dev/loop7");
        runner.succeeds("umount " + mountPoint);

        assertThat(agent.stop().status()).isEqualTo(OcfStatus.OK);
        assertThat(runner.commandLines()).containsExactly("umount " + mountPoint);
    }

    @Test
    void aBusyFilesystemIsAFailedStop() throws Exception {
        mountTableWith("/dev/loop7");
        runner.exits("umount " + mountPoint, 32, "", "umount: " + mountPoint + ": target is busy.\n");

        AgentResult result = agent.stop();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(result.reason()).contains("target is busy");
    }

    @Test
    void stopAndMonitorOfAnUnmountedFilesystem() throws Exception {
        Files.writeString(mountTable, "proc /proc proc rw 0 0\n");

        assertThat(agent.stop().status()).isEqualTo(OcfStatus.OK);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void unescapeDecodesTheKernelsOctalEscapes() {
        assertThat(MountCommand.unescape("/mnt/a\\040b\\134c")).isEqualTo("/mnt/a b\\c");
        assertThat(MountCommand.unescape("/mnt/x\\04")).isEqualTo("/mnt/x\\04");
    }
}
