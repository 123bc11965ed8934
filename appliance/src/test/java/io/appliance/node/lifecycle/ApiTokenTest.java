package io.appliance.node.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {

    @TempDir
    Path directory;

    @Test
    void theFirstCallGeneratesAnOwnerOnlyTokenLaterCallsReadIt() throws Exception {
        Path file = directory.resolve("state/api-token");
        ApiToken.Loaded first = ApiToken.loadOrGenerate(file, new SecureRandom());
        ApiToken.Loaded second = ApiToken.loadOrGenerate(file, new SecureRandom());

        assertThat(first.generated()).isTrue();
        assertThat(first.token()).matches("[0-9a-f]{64}");
        assertThat(second.generated()).isFalse();
        assertThat(second.token()).isEqualTo(first.token());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.toString()).doesNotContain(first.token());
    }

    @Test
    void tokensDiffer() throws Exception {
        String a = ApiToken.loadOrGenerate(directory.resolve("a"), new SecureRandom()).token();
        String b = ApiToken.loadOrGenerate(directory.resolve("b"), new SecureRandom()).token();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void anEmptyFileIsAnErrorThatSaysWhatToDo() throws IOException {
        Path file = Files.writeString(directory.resolve("api-token"), "\n");
        assertThatThrownBy(() -> ApiToken.loadOrGenerate(file, new SecureRandom()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("delete it and restart");
    }
}
