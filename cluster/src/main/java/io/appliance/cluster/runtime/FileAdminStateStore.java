package io.appliance.cluster.runtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.appliance.cluster.placement.AdminState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the admin state in {@code <clusterStateDir>/admin-state.json}, written atomically (temporary file,
 * fsync, rename). An unreadable file is logged and treated as version 0 (peers then send the current state).
 */
public final class FileAdminStateStore implements AdminStateStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileAdminStateStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path file;

    public FileAdminStateStore(Path clusterStateDirectory) {
        this.file = clusterStateDirectory.resolve("admin-state.json");
    }

    public static AdminState empty() {
        return AdminState.initial();
    }

    @Override
    public AdminState load() {
        if (!Files.exists(file)) {
            return empty();
        }
        try {
            return MAPPER.readValue(file.toFile(), AdminUpdate.class).toState();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read {} ({}); starting with an empty admin state", file, e.getMessage());
            return empty();
        }
    }

    @Override
    public void save(AdminState state) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(AdminUpdate.of(state, List.of()));
            try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
