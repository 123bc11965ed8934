package io.appliance.itest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real lvm2 tools as a test uses them to check the appliance's work and to set up what an
 * administrator would make by hand. Every command runs with {@code LVM_SUPPRESS_FD_WARNINGS=1}
 * (a JVM leaks descriptors to its children) and a timeout; reports are read as
 * {@code --reportformat json --units b --nosuffix}.
 */
public final class Lvm2 {

    /** The longest one lvm2 command may take. */
    public static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PE_RANGE = Pattern.compile("^(.+):(\\d+)-(\\d+)$");

    private Lvm2() {
    }

    /** Whether {@code lvm} can be started here. */
    public static boolean installed() {
        try {
            return Tool.of("lvm", "version").timeout(COMMAND_LIMIT).environment("LVM_SUPPRESS_FD_WARNINGS", "1").run().succeeded();
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code lvm <arguments>} (such as {@code lvcreate ...}) and returns what it did, successful or not. */
    public static ToolResult run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("lvm");
        command.addAll(List.of(arguments));
        return Tool.of(command).environment("LVM_SUPPRESS_FD_WARNINGS", "1").timeout(COMMAND_LIMIT).run();
    }

    /** Like {@link #run}, failing the test unless the command succeeded; for set-up steps. */
    public static ToolResult runSuccessfully(String... arguments) throws IOException, InterruptedException {
        ToolResult result = run(arguments);
        if (!result.succeeded()) {
            throw new AssertionError("lvm2 command failed: " + result.describe());
        }
        return result;
    }

    /** Creates a logical volume the way an administrator does on a machine without device-mapper. */
    public static void createVolumeByHand(String volumeGroup, String name, String size) throws IOException, InterruptedException {
        runSuccessfully("lvcreate", "--driverloaded", "n", "-an", "-Zn", "-L", size, "-n", name, volumeGroup);
    }

    /** {@code vgs -o vg_extent_size VG}. */
    public static long extentSize(String volumeGroup) throws IOException, InterruptedException {
        return volumeGroupFields(volumeGroup).path("vg_extent_size").asLong();
    }

    /** The {@code vgs} row of one VG with its extent size, size, free space and counts. */
    public static JsonNode volumeGroupFields(String volumeGroup) throws IOException, InterruptedException {
        JsonNode rows = report("vg", "vgs", "-o", "vg_name,vg_extent_size,vg_size,vg_free,lv_count,pv_count", volumeGroup);
        if (rows.size() != 1) {
            throw new AssertionError("vgs " + volumeGroup + " reported " + rows.size() + " rows: " + rows);
        }
        return rows.get(0);
    }

    /** Names of the VGs lvm2 sees right now. */
    public static List<String> volumeGroupNames() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        report("vg", "vgs", "-o", "vg_name").forEach(row -> names.add(row.path("vg_name").asText()));
        return names;
    }

    /** {@code pvs -o pv_name,pe_start} of the VG's PVs: device path to the byte offset of its first extent. */
    public static Map<String, Long> extentStarts(String volumeGroup) throws IOException, InterruptedException {
        Map<String, Long> starts = new LinkedHashMap<>();
        report("pv", "pvs", "-o", "pv_name,pe_start,vg_name", "-S", "vg_name=" + volumeGroup)
                .forEach(row -> starts.put(row.path("pv_name").asText(), row.path("pe_start").asLong()));
        return starts;
    }

    /** The VG a device belongs to as {@code pvs} says, empty when it is no PV or in no VG. */
    public static String volumeGroupOf(String device) throws IOException, InterruptedException {
        ToolResult result = run("pvs", "--reportformat", "json", "-o", "pv_name,vg_name", device);
        if (!result.succeeded()) {
            return "";
        }
        JsonNode rows = JSON.readTree(result.stdout()).path("report").path(0).path("pv");
        return rows.isEmpty() ? "" : rows.get(0).path("vg_name").asText();
    }

    /** Whether {@code pvs} knows the device as a physical volume. */
    public static boolean isPhysicalVolume(String device) throws IOException, InterruptedException {
        ToolResult result = run("pvs", "--reportformat", "json", "-o", "pv_name", device);
        return result.succeeded() && !JSON.readTree(result.stdout()).path("report").path(0).path("pv").isEmpty();
    }

    /**
     * {@code lvs -o lv_name,lv_size,seg_start_pe,seg_pe_ranges VG}: every LV of the VG with its
     * segments in LV order, by name.
     */
    public static Map<String, LogicalVolumeMap> volumes(String volumeGroup) throws IOException, InterruptedException {
        Map<String, List<SegmentRow>> segmentsByVolume = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (JsonNode row : report("lv", "lvs", "-o", "lv_name,lv_size,seg_start_pe,seg_pe_ranges", volumeGroup)) {
            String name = row.path("lv_name").asText();
            sizes.put(name, row.path("lv_size").asLong());
            String ranges = row.path("seg_pe_ranges").asText().strip();
            Matcher range = PE_RANGE.matcher(ranges);
            if (!range.matches()) {
                throw new AssertionError("not a linear segment of " + name + ": '" + ranges + "'");
            }
            long first = Long.parseLong(range.group(2));
            long last = Long.parseLong(range.group(3));
            segmentsByVolume.computeIfAbsent(name, unused -> new ArrayList<>())
                    .add(new SegmentRow(row.path("seg_start_pe").asLong(), last - first + 1, range.group(1), first));
        }
        Map<String, LogicalVolumeMap> volumes = new LinkedHashMap<>();
        segmentsByVolume.forEach((name, segments) -> {
            segments.sort((a, b) -> Long.compare(a.lvStartExtent(), b.lvStartExtent()));
            volumes.put(name, new LogicalVolumeMap(name, sizes.get(name), List.copyOf(segments)));
        });
        return volumes;
    }

    private static JsonNode report(String kind, String command, String... arguments) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(command, "--reportformat", "json", "--units", "b", "--nosuffix"));
        all.addAll(List.of(arguments));
        ToolResult result = runSuccessfully(all.toArray(String[]::new));
        return JSON.readTree(result.stdout()).path("report").path(0).path(kind);
    }

    /**
     * One LV and where its extents are.
     *
     * @param sizeBytes {@code lv_size}
     * @param segments  sorted by LV extent
     */
    public record LogicalVolumeMap(String name, long sizeBytes, List<SegmentRow> segments) {
    }

    /**
     * One linear segment: {@code extentCount} extents of the LV from {@code lvStartExtent}, stored on
     * {@code device} from physical extent {@code pvStartExtent}.
     */
    public record SegmentRow(long lvStartExtent, long extentCount, String device, long pvStartExtent) {
    }
}
