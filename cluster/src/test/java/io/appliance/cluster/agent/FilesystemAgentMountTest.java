package io.appliance.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Filesystem agent mounting a small tmpfs on a temporary directory for real (root only). */
class FilesystemAgentMountTest {

    @TempDir
    Path directory;

    @Test
    void mountsAndUnmountsForReal() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mount needs root");
        ProcessCommandRunner runner = new ProcessCommandRunner();
        Path mountPoint = directory.resolve("data");
        MountCommand mount = new MountCommand(runner, Path.of("/proc/mounts"), Duration.ofSeconds(10));
        FilesystemAgent agent = new FilesystemAgent(PrimitiveDefinition.of("fs", "Filesystem", Map.of("device", "tmpfs",
                "directory", mountPoint.toString(), "fstype", "tmpfs", "options", "size=1m")), mount);
        try {
            assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
            assertThat(agent.start()).isEqualTo(AgentResult.ok());

            assertThat(mount.mountedAt(mountPoint.toString())).get()
                    .satisfies(entry -> assertThat(entry.fstype()).isEqualTo("tmpfs"));
            assertThat(agent.monitor()).isEqualTo(AgentResult.ok());
            Files.writeString(mountPoint.resolve("file"), "x");

            assertThat(agent.stop()).isEqualTo(AgentResult.ok());
            assertThat(mount.mountedAt(mountPoint.toString())).isEmpty();
            assertThat(mountPoint.resolve("file")).doesNotExist();
            assertThat(agent.stop()).isEqualTo(AgentResult.ok());
        } finally {
            if (mount.mountedAt(mountPoint.toString()).isPresent()) {
                runner.run(List.of("umount", mountPoint.toString()), Duration.ofSeconds(10));
            }
        }
    }
}
