package io.appliance.lvm;

import java.util.List;

/**
 * {@code vgcreate [--physicalextentsize Nb] POOL DEVICE...} over devices that are already PVs
 * (see {@link PvCreate}); without {@code -y}, so that it can never wipe a device on its own.
 */
final class VgCreate {

    private VgCreate() {
    }

    /** @param extentSizeBytes 0 for lvm2's default (4 MiB) */
    static List<String> argv(Lvm2Commands lvm2, String pool, long extentSizeBytes, List<String> devices) {
        List<String> argv = lvm2.argv("vgcreate");
        if (extentSizeBytes > 0) {
            argv.add("--physicalextentsize");
            argv.add(extentSizeBytes + "b");
        }
        argv.add(pool);
        argv.addAll(devices);
        return argv;
    }

    static void run(Lvm2Commands lvm2, String pool, long extentSizeBytes, List<String> devices) throws LvmException {
        lvm2.run(argv(lvm2, pool, extentSizeBytes, devices), pool);
    }
}
