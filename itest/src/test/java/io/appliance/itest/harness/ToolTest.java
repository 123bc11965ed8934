package io.appliance.itest.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ToolTest {

    @Test
    void capturesBothStreamsAndTheExitCode() throws Exception {
        ToolResult result = Tool.of("sh", "-c", "echo out; echo err >&2; exit 3").timeout(Duration.ofSeconds(10)).run();

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.succeeded()).isFalse();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void killsACommandAtItsTimeoutTogetherWithItsChildren() throws Exception {
        ToolResult result = Tool.of("sh", "-c", "sleep 60 & sleep 60; echo never").timeout(Duration.ofMillis(500)).run();

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(ToolResult.TIMED_OUT);
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(15));
        assertThat(result.stdout()).doesNotContain("never");
    }

    @Test
    void passesEnvironmentAndKeepsBinaryOutputIntact() throws Exception {
        ToolResult result = Tool.of("sh", "-c", "printf 'A\\000\\377%s' \"$GREETING\"")
                .environment("GREETING", "hi").timeout(Duration.ofSeconds(10)).run();

        assertThat(result.stdoutBytes()).containsExactly('A', 0, 0xFF, 'h', 'i');
        assertThat(result.stdoutLatin1()).isEqualTo("A\u0000\u00ffhi");
    }

    @Test
    void aMissingProgramIsAnIoErrorAndASetUpFailureIsAnAssertion() {
        assertThatThrownBy(() -> Tool.of("no-such-program-for-itest").run()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Tool.of("false").runSuccessfully()).isInstanceOf(AssertionError.class)
                .hasMessageContaining("false -> exit 1");
    }
}
