package io.appliance.iscsi.scsi;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What the unit's small state files share to be crash-safe. */
final class DurableFiles {

    private DurableFiles() {
    }

    /** Makes a file created or renamed in {@code directory} durable: fsync of the directory itself. */
    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
