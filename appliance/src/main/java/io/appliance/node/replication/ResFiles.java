package io.appliance.node.replication;

import io.appliance.config.replication.DrbdConfigException;
import io.appliance.config.replication.DrbdConfigImporter;
import io.appliance.config.replication.DrbdImport;
import io.appliance.config.replication.ResourceDefinition;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** DRBD {@code .res} files named by {@code replication.resFiles}, read with {@link DrbdConfigImporter}. */
final class ResFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ResFiles.class);

    private ResFiles() {
    }

    /** The resources of {@code file}; its warnings (DRBD keys that mean nothing here) are logged. */
    static List<ResourceDefinition> read(Path file) {
        try {
            DrbdImport imported = new DrbdConfigImporter().importFile(file);
            imported.warnings().forEach(warning -> LOG.warn("{}: {}", file, warning));
            return imported.resources();
        } catch (DrbdConfigException e) {
            throw new ReplicationConfigurationException(List.of("replication.resFiles: " + e.getMessage()));
        }
    }
}
