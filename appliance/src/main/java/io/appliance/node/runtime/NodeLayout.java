package io.appliance.node.runtime;

import io.appliance.node.store.StateDatabase;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where a node keeps its files: everything under one state directory, LUN files under
 * {@code luns/} unless the operator names another place.
 */
public final class NodeLayout {

    public static final String LUN_DIRECTORY = "luns";
    public static final String API_TOKEN_FILE = "api-token";

    private final Path stateDirectory;

    public NodeLayout(Path stateDirectory) {
        this.stateDirectory = stateDirectory.toAbsolutePath().normalize();
    }

    public Path stateDirectory() {
        return stateDirectory;
    }

    public Path apiTokenFile() {
        return stateDirectory.resolve(API_TOKEN_FILE);
    }

    public Path databaseFile() {
        return stateDirectory.resolve(StateDatabase.FILE_NAME);
    }

    /** An operator's backing file path: absolute as given, relative under the state directory. */
    public Path resolveBackingFile(String backingFile) {
        return stateDirectory.resolve(backingFile).toAbsolutePath().normalize();
    }

    /**
     * {@code luns/<short name>-lun<N>.img}, where the short name is the part of the target's name
     * after its last ':' (or the whole name), with characters other than letters, digits, '.' and
     * '-' replaced by '-'.
     */
    public String defaultBackingFile(String targetName, int lun) {
        String shortName = targetName.substring(targetName.lastIndexOf(':') + 1).toLowerCase(Locale.ROOT);
        String safe = shortName.replaceAll("[^a-z0-9.-]", "-");
        return LUN_DIRECTORY + "/" + (safe.isEmpty() ? "target" : safe) + "-lun" + lun + ".img";
    }
}
