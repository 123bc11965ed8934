package io.appliance.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.config.cluster.PrimitiveDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real init scripts in a temporary directory through the real process runner. */
class LsbAgentTest {

    @TempDir
    Path initDirectory;

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    /** An init script that keeps its state in a file next to it and answers status with {@code statusWhenOff}. */
    private LsbAgent service(String name, int statusWhenOff, int startExit) throws Exception {
        Path flag = initDirectory.resolve(name + ".running");
        Path script = initDirectory.resolve(name);
        Files.writeString(script, """
                #!/bin/sh
                case "$1" in
                  start) touch %1$s; exit %3$d ;;
                  stop) rm -f %1$s; exit 0 ;;
                  status) [ -e %1$s ] && exit 0; exit %2$d ;;
                  *) exit 2 ;;
                esac
                """.formatted(flag, statusWhenOff, startExit));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new LsbAgent(PrimitiveDefinition.of("svc", "lsb:" + name, Map.of()), initDirectory, runner);
    }

    @Test
    void startStatusStopFollowTheScript() throws Exception {
        LsbAgent agent = service("httpd", 3, 0);

        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
        assertThat(agent.start()).isEqualTo(AgentResult.ok());
        assertThat(agent.monitor()).isEqualTo(AgentResult.ok());
        assertThat(agent.stop()).isEqualTo(AgentResult.ok());
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.NOT_RUNNING);
    }

    @Test
    void statusOneIsAFailureNamingThePidFile() throws Exception {
        AgentResult result = service("crashed", 1, 0).monitor();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(result.reason()).contains("dead but its pid file exists");
    }

    @Test
    void aFailingStartReportsTheExitCode() throws Exception {
        AgentResult result = service("broken", 3, 1).start();

        assertThat(result.status()).isEqualTo(OcfStatus.ERR_GENERIC);
        assertThat(result.reason()).contains("broken start", "exit code 1");
    }

    @Test
    void aMissingScriptIsNotInstalledButStopsCleanly() throws Exception {
        LsbAgent agent = new LsbAgent(PrimitiveDefinition.of("svc", "lsb:absent", Map.of()), initDirectory, runner);

        assertThat(agent.start().status()).isEqualTo(OcfStatus.ERR_INSTALLED);
        assertThat(agent.monitor().status()).isEqualTo(OcfStatus.ERR_INSTALLED);
        assertThat(agent.stop().status()).isEqualTo(OcfStatus.OK);
    }
}
