package io.appliance.lvm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code lvs}: logical volumes with their segment maps. Segment columns make lvm2 report one row
 * per LV segment; the rows are joined into one {@link LogicalVolume} each.
 *
 * <p>A linear segment's {@code seg_pe_ranges} is normally one range ({@code /dev/loop0:0-4}); when
 * it holds several ({@code /dev/loop0:0-9 /dev/loop1:0-4}) they are consecutive runs of the LV and
 * become one {@link Segment} each. A striped segment with more than one stripe lists one range
 * per stripe, interleaved in stripe-size chunks: that cannot be expressed as {@link Segment}s, so
 * such an LV (and any LV with RAID, mirror, thin or other non-linear segments) is reported with
 * no segments: it is listed and can be opened through its device node, never by extent map.
 */
final class Lvs {

    static final String COLUMNS =
            "lv_name,vg_name,lv_size,lv_active,lv_path,seg_start_pe,seg_size_pe,segtype,stripes,seg_pe_ranges";

    private Lvs() {
    }

    static List<String> argv(Lvm2Commands lvm2, String pool, Optional<String> volume) {
        List<String> argv = lvm2.argv("lvs");
        argv.addAll(List.of("--reportformat", "json", "--units", "b", "--nosuffix", "-o", COLUMNS));
        argv.add(volume.map(name -> pool + "/" + name).orElse(pool));
        return argv;
    }

    /** The pool's visible LVs; {@link LvmException.Reason#NOT_FOUND} when the pool does not exist. */
    static List<LogicalVolume> list(Lvm2Commands lvm2, String pool) throws LvmException {
        List<String> argv = argv(lvm2, pool, Optional.empty());
        return parse(lvm2.run(argv, pool).stdout(), argv);
    }

    /** The LV, or empty when the pool exists and the LV does not. */
    static Optional<LogicalVolume> find(Lvm2Commands lvm2, String pool, String volume) throws LvmException {
        List<String> argv = argv(lvm2, pool, Optional.of(volume));
        CommandResult result = lvm2.runAllowingFailure(argv);
        if (!result.succeeded()) {
            // lvm2 says 'Failed to find logical volume "vg/lv"' for a missing LV of an existing VG
            if (result.stderr().contains("Failed to find logical volume")) {
                return Optional.empty();
            }
            throw Lvm2Errors.toException(argv, result, pool);
        }
        return parse(result.stdout(), argv).stream()
                .filter(lv -> lv.vgName().equals(pool) && lv.name().equals(volume)).findFirst();
    }

    static List<LogicalVolume> parse(String json, List<String> argv) throws LvmException {
        Map<String, VolumeRows> volumes = new LinkedHashMap<>();
        for (Map<String, String> row : Lvm2Reports.rows(json, "lv", argv)) {
            String vgName = Lvm2Reports.text(row, "vg_name", argv);
            String name = Lvm2Reports.text(row, "lv_name", argv);
            VolumeRows volume = volumes.computeIfAbsent(vgName + "/" + name, key -> new VolumeRows());
            if (volume.rows.isEmpty()) {
                volume.vgName = vgName;
                volume.name = name;
                volume.sizeBytes = Lvm2Reports.number(row, "lv_size", argv);
                volume.active = isActive(row.getOrDefault("lv_active", ""));
                volume.devicePath = row.getOrDefault("lv_path", "");
            }
            volume.rows.add(row);
        }
        List<LogicalVolume> result = new ArrayList<>();
        for (VolumeRows volume : volumes.values()) {
            result.add(new LogicalVolume(volume.vgName, volume.name, volume.sizeBytes,
                    segments(volume.rows, argv), volume.active, volume.devicePath));
        }
        return result;
    }

    /** lvm2's lv_active: "active" (or "local exclusive"/"locally" in shared VGs), "" or "unknown" otherwise. */
    private static boolean isActive(String lvActive) {
        return lvActive.equals("active") || lvActive.startsWith("local");
    }

    /** The LV's linear segments in LV order, or none when it is not a contiguous linear map. */
    private static List<Segment> segments(List<Map<String, String>> rows, List<String> argv) throws LvmException {
        List<Segment> segments = new ArrayList<>();
        for (Map<String, String> row : rows) {
            if (!isLinear(row)) {
                return List.of();
            }
            String ranges = Lvm2Reports.text(row, "seg_pe_ranges", argv).strip();
            if (ranges.isEmpty()) {
                return List.of();
            }
            long lvExtent = Lvm2Reports.number(row, "seg_start_pe", argv);
            long rowStart = lvExtent;
            for (String range : ranges.split("\\s+")) {
                Segment segment = parseRange(range, lvExtent, argv);
                segments.add(segment);
                lvExtent = segment.lvEndExtent();
            }
            if (row.containsKey("seg_size_pe") && lvExtent - rowStart != Lvm2Reports.number(row, "seg_size_pe", argv)) {
                throw Lvm2Reports.malformed(argv, "ranges \"" + ranges + "\" do not add up to seg_size_pe "
                        + row.get("seg_size_pe"), null);
            }
        }
        segments.sort((a, b) -> Long.compare(a.lvStartExtent(), b.lvStartExtent()));
        long expected = 0;
        for (Segment segment : segments) {
            if (segment.lvStartExtent() != expected) {
                return List.of();
            }
            expected = segment.lvEndExtent();
        }
        return segments;
    }

    private static boolean isLinear(Map<String, String> row) {
        String type = row.getOrDefault("segtype", "linear");
        String stripes = row.getOrDefault("stripes", "1");
        return type.equals("linear") || (type.equals("striped") && stripes.equals("1"));
    }

    /** {@code /dev/loop0:7-14}: extents 7 to 14 inclusive of that PV. The device may itself hold ':'. */
    private static Segment parseRange(String range, long lvStartExtent, List<String> argv) throws LvmException {
        int colon = range.lastIndexOf(':');
        int dash = range.lastIndexOf('-');
        if (colon <= 0 || dash < colon) {
            throw Lvm2Reports.malformed(argv, "bad seg_pe_ranges entry \"" + range + "\"", null);
        }
        try {
            long first = Long.parseLong(range.substring(colon + 1, dash));
            long last = Long.parseLong(range.substring(dash + 1));
            if (first < 0 || last < first) {
                throw Lvm2Reports.malformed(argv, "bad extent range \"" + range + "\"", null);
            }
            return new Segment(lvStartExtent, last - first + 1, range.substring(0, colon), first);
        } catch (NumberFormatException e) {
            throw Lvm2Reports.malformed(argv, "bad extent range \"" + range + "\"", e);
        }
    }

    private static final class VolumeRows {
        private String vgName;
        private String name;
        private long sizeBytes;
        private boolean active;
        private String devicePath;
        private final List<Map<String, String>> rows = new ArrayList<>();
    }
}
