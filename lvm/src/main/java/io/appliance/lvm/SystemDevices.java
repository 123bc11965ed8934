package io.appliance.lvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** {@link LocalDevices} from the file system, {@code /proc/mounts} and {@code /proc/swaps}. */
final class SystemDevices implements LocalDevices {

    private final Path mounts;
    private final Path swaps;

    SystemDevices(Path mounts, Path swaps) {
        this.mounts = mounts;
        this.swaps = swaps;
    }

    @Override
    public boolean exists(String device) {
        return Files.exists(Path.of(device));
    }

    @Override
    public String canonical(String device) {
        try {
            return Path.of(device).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return device;
        }
    }

    @Override
    public Optional<String> useOutsideLvm(String device) throws LvmException {
        String wanted = canonical(device);
        // proc(5): /proc/mounts is "device mountpoint fstype options 0 0", octal escapes for blanks
        for (String line : lines(mounts)) {
            String[] fields = line.split(" ");
            if (fields.length >= 2 && fields[0].startsWith("/") && canonical(fields[0]).equals(wanted)) {
                return Optional.of("mounted at " + unescape(fields[1]));
            }
        }
        // proc(5): /proc/swaps has a header line, then "filename type size used priority"
        for (String line : lines(swaps)) {
            String[] fields = line.split("\\s+");
            if (fields.length >= 1 && fields[0].startsWith("/") && canonical(unescape(fields[0])).equals(wanted)) {
                return Optional.of("used as swap");
            }
        }
        return Optional.empty();
    }

    private static List<String> lines(Path file) throws LvmException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new LvmException(LvmException.Reason.TOOL_FAILED, "cannot read " + file + " to check that devices"
                    + " are not in use: " + e.getMessage(), e);
        }
    }

    /** Undoes the {@code \040}-style octal escapes of /proc/mounts. */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String field, int from) {
        if (from + 3 > field.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
