package io.appliance.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.appliance.cluster.placement.AdminState;
import io.appliance.config.cluster.LocationConstraint;
import io.appliance.config.cluster.Score;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAdminStateStoreTest {

    @TempDir
    Path directory;

    @Test
    void savesAtomicallyAndLoadsTheSameState() throws Exception {
        FileAdminStateStore store = new FileAdminStateStore(directory.resolve("cluster"));
        assertThat(store.load().version()).isZero();
        AdminState state = new AdminState(7, Set.of("node1"),
                List.of(new LocationConstraint("cli-ban-g-on-node2", "g", "node2", Score.MINUS_INFINITY)), true);

        store.save(state);

        assertThat(new FileAdminStateStore(directory.resolve("cluster")).load()).isEqualTo(state);
        try (var files = Files.list(directory.resolve("cluster"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("admin-state.json");
        }
    }

    @Test
    void anUnreadableFileIsVersionZero() throws Exception {
        Files.writeString(directory.resolve("admin-state.json"), "{broken");
        assertThat(new FileAdminStateStore(directory).load()).isEqualTo(AdminState.initial());
    }
}
