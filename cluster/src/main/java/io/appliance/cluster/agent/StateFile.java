package io.appliance.cluster.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** A file whose existence says "this resource is started" (OCF agents' pseudo-resource state files). */
final class StateFile {

    private final Path path;

    StateFile(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    Path path() {
        return path;
    }

    boolean exists() {
        return Files.exists(path);
    }

    void create(String content) throws AgentException {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new AgentException(OcfStatus.ERR_PERM, "cannot write the state file " + path + ": " + e.getMessage());
        }
    }

    void delete() throws AgentException {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new AgentException(OcfStatus.ERR_PERM, "cannot delete the state file " + path + ": " + e.getMessage());
        }
    }
}
