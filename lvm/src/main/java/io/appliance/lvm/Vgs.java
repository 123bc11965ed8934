package io.appliance.lvm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vgs}: volume groups with their PVs. Asking for {@code pv_name} makes lvm2 report one
 * row per (VG, PV); the rows are joined back into one {@link VolumeGroup} each.
 */
final class Vgs {

    static final String COLUMNS = "vg_name,vg_extent_size,vg_size,vg_free,lv_count,pv_name";

    private Vgs() {
    }

    static List<String> argv(Lvm2Commands lvm2, Optional<String> pool) {
        List<String> argv = lvm2.argv("vgs");
        argv.addAll(List.of("--reportformat", "json", "--units", "b", "--nosuffix", "-o", COLUMNS));
        pool.ifPresent(argv::add);
        return argv;
    }

    static List<VolumeGroup> list(Lvm2Commands lvm2) throws LvmException {
        List<String> argv = argv(lvm2, Optional.empty());
        return parse(lvm2.run(argv, null).stdout(), argv);
    }

    /** The pool, or empty when lvm2 says it does not exist. */
    static Optional<VolumeGroup> find(Lvm2Commands lvm2, String pool) throws LvmException {
        List<String> argv = argv(lvm2, Optional.of(pool));
        CommandResult result = lvm2.runAllowingFailure(argv);
        if (!result.succeeded()) {
            LvmException failure = Lvm2Errors.toException(argv, result, pool);
            if (failure.reason() == LvmException.Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw failure;
        }
        return parse(result.stdout(), argv).stream().filter(group -> group.name().equals(pool)).findFirst();
    }

    static List<VolumeGroup> parse(String json, List<String> argv) throws LvmException {
        Map<String, VolumeGroup> groups = new LinkedHashMap<>();
        Map<String, List<String>> devices = new LinkedHashMap<>();
        for (Map<String, String> row : Lvm2Reports.rows(json, "vg", argv)) {
            String name = Lvm2Reports.text(row, "vg_name", argv);
            long lvCount = Lvm2Reports.number(row, "lv_count", argv);
            groups.putIfAbsent(name, new VolumeGroup(name, Lvm2Reports.number(row, "vg_extent_size", argv),
                    Lvm2Reports.number(row, "vg_size", argv), Lvm2Reports.number(row, "vg_free", argv),
                    (int) Math.min(lvCount, Integer.MAX_VALUE), List.of()));
            String device = row.getOrDefault("pv_name", "");
            List<String> ofGroup = devices.computeIfAbsent(name, key -> new ArrayList<>());
            if (!device.isEmpty() && !ofGroup.contains(device)) {
                ofGroup.add(device);
            }
        }
        List<VolumeGroup> result = new ArrayList<>();
        for (VolumeGroup group : groups.values()) {
            result.add(new VolumeGroup(group.name(), group.extentSizeBytes(), group.sizeBytes(), group.freeBytes(),
                    group.logicalVolumeCount(), devices.get(group.name())));
        }
        return result;
    }
}
