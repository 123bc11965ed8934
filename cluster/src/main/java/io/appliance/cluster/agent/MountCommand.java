package io.appliance.cluster.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code mount} and {@code umount} of util-linux, and the kernel's mount table ({@code /proc/mounts}, whose fields
 * escape space, tab, newline and backslash as octal {@code \040} etc.).
 */
public final class MountCommand {

    static final String PACKAGE = "mount";

    /** One line of the mount table. */
    public record MountEntry(String device, String directory, String fstype, String options) {
        public MountEntry {
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(fstype, "fstype");
            Objects.requireNonNull(options, "options");
        }
    }

    private final CommandRunner runner;
    private final Path mountTable;
    private final Duration timeout;

    /**
     * @param mountTable {@code /proc/mounts} (a file of that format in tests)
     */
    public MountCommand(CommandRunner runner, Path mountTable, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.mountTable = Objects.requireNonNull(mountTable, "mountTable");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** {@code mount -t FSTYPE [-o OPTIONS] DEVICE DIRECTORY}. */
    public void mount(String device, String directory, String fstype, String options)
            throws AgentException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("mount", "-t", fstype));
        if (!options.isBlank()) {
            argv.addAll(List.of("-o", options));
        }
        argv.addAll(List.of(device, directory));
        CommandResult result = runner.run(argv, timeout);
        if (!result.succeeded()) {
            throw AgentException.from(result, PACKAGE);
        }
    }

    /** {@code umount DIRECTORY}. */
    public void unmount(String directory) throws AgentException, InterruptedException {
        CommandResult result = runner.run(List.of("umount", directory), timeout);
        if (!result.succeeded()) {
            throw AgentException.from(result, PACKAGE);
        }
    }

    /** The last (topmost) mount on {@code directory}, if any. */
    public Optional<MountEntry> mountedAt(String directory) throws AgentException {
        MountEntry found = null;
        for (MountEntry entry : mounts()) {
            if (entry.directory().equals(directory)) {
                found = entry;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every line of the mount table, in order. */
    public List<MountEntry> mounts() throws AgentException {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountTable);
        } catch (IOException e) {
            throw new AgentException(OcfStatus.ERR_GENERIC, "cannot read " + mountTable + ": " + e.getMessage());
        }
        List<MountEntry> entries = new ArrayList<>();
        for (String line : lines) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 4) {
                entries.add(new MountEntry(unescape(fields[0]), unescape(fields[1]), fields[2], fields[3]));
            }
        }
        return entries;
    }

    /** Undoes the kernel's octal escapes ({@code \040} = space). */
    static String unescape(String field) {
        StringBuilder text = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                text.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    private static boolean isOctal(String field, int from) {
        if (from + 3 > field.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
