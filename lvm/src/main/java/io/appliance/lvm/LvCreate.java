package io.appliance.lvm;

import java.util.List;

/**
 * {@code lvcreate -y -l EXTENTS -n NAME POOL}. The size is given in extents, already rounded by
 * the caller, so lvm2 does no rounding of its own. {@code -y} lets lvm2 wipe stale signatures on
 * the new LV's extents. Without device-mapper, {@code -an -Zn}: the LV is created inactive and
 * not zeroed, since neither needs a kernel device (lab notes, "LVM without device-mapper").
 */
final class LvCreate {

    private LvCreate() {
    }

    static List<String> argv(Lvm2Commands lvm2, String pool, String volume, long extents) {
        List<String> argv = lvm2.argv("lvcreate");
        if (!lvm2.deviceMapperAvailable()) {
            argv.addAll(List.of("-an", "-Zn"));
        }
        argv.addAll(List.of("-y", "-l", Long.toString(extents), "-n", volume, pool));
        return argv;
    }

    static void run(Lvm2Commands lvm2, String pool, String volume, long extents) throws LvmException {
        lvm2.run(argv(lvm2, pool, volume, extents), pool);
    }
}
