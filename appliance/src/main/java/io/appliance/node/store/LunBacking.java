package io.appliance.node.store;

import java.nio.file.Path;
import java.util.Objects;

/** Where a LUN's data lives: a file, an LVM logical volume, or a replicated disk (a resource). */
public sealed interface LunBacking {

    /** The value of the {@code backing_kind} column and of the API's {@code backing.type}. */
    String kind();

    /** @param path absolute path of the file that holds the data */
    record File(Path path) implements LunBacking {
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String kind() {
            return "file";
        }
    }

    /**
     * @param pool   the volume group
     * @param volume the logical volume in it
     */
    record Volume(String pool, String volume) implements LunBacking {
        public Volume {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(volume, "volume");
        }

        @Override
        public String kind() {
            return "volume";
        }

        /** {@code pool/volume}, as lvm2 names it. */
        public String fullName() {
            return pool + "/" + volume;
        }
    }

    /**
     * @param resource the name of the replicated disk (DRBD's resource) whose device the LUN serves;
     *                 the LUN does not own it: deleting the LUN leaves the resource as it is
     */
    record Replicated(String resource) implements LunBacking {
        public Replicated {
            Objects.requireNonNull(resource, "resource");
        }

        @Override
        public String kind() {
            return "replicated";
        }
    }
}
