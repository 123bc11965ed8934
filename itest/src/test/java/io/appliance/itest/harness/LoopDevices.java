package io.appliance.itest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Loop devices over sparse files for tests that need real block devices (lvm2 PVs), owned by one
 * test. Everything made here carries the per-run prefix {@code apitest<pid>x}: the temporary
 * directory of the backing files and the VG names from {@link #volumeGroupName()}.
 *
 * <p>{@link #close()} removes every VG that has a PV on these devices ({@code vgremove -f}), wipes
 * the PV labels ({@code pvremove -ff -y}), detaches ONLY these devices ({@code losetup -d}) and
 * deletes the files; it runs all steps even when one fails, and so also after a failed test.
 * {@link #create()} first removes leftovers of runs whose process is gone: loop devices whose
 * backing file lies under an {@code apitest<pid>x} directory, and VGs named {@code apitest<pid>x...},
 * for a pid that no longer runs. Devices of other processes are never touched.
 */
public final class LoopDevices implements AutoCloseable {

    /** The family of prefixes: {@code apitest} followed by the owning process id and {@code x}. */
    public static final String PREFIX_FAMILY = "apitest";

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    private static final Pattern OWNED_NAME = Pattern.compile("(?:^|/)" + PREFIX_FAMILY + "(\\d+)x");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final String prefix;
    private final List<String> devices = new ArrayList<>();
    private int volumeGroupCounter;

    private LoopDevices(Path directory, String prefix) {
        this.directory = directory;
        this.prefix = prefix;
    }

    /** Skips the calling test (a JUnit assumption) unless it runs as root with lvm2 and losetup installed. */
    public static void assumeUsable() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "loop devices and lvm2 need root");
        Assumptions.assumeTrue(Lvm2.installed(), "lvm2 is not installed (bin/install-prereqs test)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup")),
                "losetup is not installed");
    }

    /** Removes leftovers of dead runs, then makes an empty set of devices for this test. */
    public static LoopDevices create() throws IOException, InterruptedException {
        removeLeftoversOfDeadRuns();
        String prefix = PREFIX_FAMILY + ProcessHandle.current().pid() + "x";
        return new LoopDevices(Files.createTempDirectory(prefix), prefix);
    }

    /** Makes a sparse file of {@code sizeBytes} and attaches it to a free loop device; returns {@code /dev/loopN}. */
    public String attach(long sizeBytes) throws IOException, InterruptedException {
        Path file = directory.resolve("disk" + devices.size() + ".img");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(sizeBytes);
        }
        ToolResult attached = Tool.of("losetup", "-f", "--show", file.toString()).timeout(COMMAND_LIMIT).runSuccessfully();
        String device = attached.stdout().strip();
        if (!device.startsWith("/dev/loop")) {
            throw new IOException("losetup printed no device: " + attached.describe());
        }
        devices.add(device);
        return device;
    }

    /** A fresh VG name of this run: {@code apitest<pid>x<n>}. */
    public String volumeGroupName() {
        return prefix + (++volumeGroupCounter) + "vg";
    }

    /** The devices attached so far, in order. */
    public List<String> devices() {
        return List.copyOf(devices);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        releaseDevices(devices, problems);
        try {
            Directories.deleteRecursively(directory);
        } catch (IOException e) {
            problems.add("delete " + directory + ": " + e);
        }
        if (!problems.isEmpty()) {
            throw new IOException("loop device clean-up incomplete: " + String.join("; ", problems));
        }
    }

    /** VGs on the devices, then PV labels, then the loop devices; every step is tried. */
    private static void releaseDevices(List<String> owned, List<String> problems) throws InterruptedException {
        Set<String> volumeGroups = new LinkedHashSet<>();
        for (String device : owned) {
            try {
                String volumeGroup = Lvm2.volumeGroupOf(device);
                if (!volumeGroup.isEmpty()) {
                    volumeGroups.add(volumeGroup);
                }
            } catch (IOException e) {
                problems.add("pvs " + device + ": " + e);
            }
        }
        for (String volumeGroup : volumeGroups) {
            record(problems, () -> Lvm2.run("vgremove", "-f", volumeGroup));
        }
        for (String device : owned) {
            try {
                if (Lvm2.isPhysicalVolume(device)) {
                    record(problems, () -> Lvm2.run("pvremove", "-ff", "-y", device));
                }
            } catch (IOException e) {
                problems.add("pvs " + device + ": " + e);
            }
        }
        for (String device : owned) {
            record(problems, () -> Tool.of("losetup", "-d", device).timeout(COMMAND_LIMIT).run());
        }
    }

    private static void removeLeftoversOfDeadRuns() throws IOException, InterruptedException {
        List<String> leftovers = new ArrayList<>();
        ToolResult listing = Tool.of("losetup", "--json", "--list", "--output", "NAME,BACK-FILE").timeout(COMMAND_LIMIT).run();
        if (listing.succeeded() && !listing.stdout().isBlank()) {
            for (JsonNode device : JSON.readTree(listing.stdout()).path("loopdevices")) {
                if (ownedByDeadRun(device.path("back-file").asText())) {
                    leftovers.add(device.path("name").asText());
                }
            }
        }
        List<String> problems = new ArrayList<>();
        releaseDevices(leftovers, problems);
        for (String volumeGroup : Lvm2.volumeGroupNames()) {
            if (ownedByDeadRun(volumeGroup)) {
                record(problems, () -> Lvm2.run("vgremove", "-f", volumeGroup));
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("leftovers of earlier runs not fully removed: " + String.join("; ", problems));
        }
    }

    private static boolean ownedByDeadRun(String name) {
        Matcher owner = OWNED_NAME.matcher(name);
        if (!owner.find()) {
            return false;
        }
        long pid = Long.parseLong(owner.group(1));
        return ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true);
    }

    private static void record(List<String> problems, Command command) throws InterruptedException {
        try {
            ToolResult result = command.run();
            if (!result.succeeded()) {
                problems.add(result.describe());
            }
        } catch (IOException e) {
            problems.add(e.toString());
        }
    }

    @FunctionalInterface
    private interface Command {
        ToolResult run() throws IOException, InterruptedException;
    }
}
