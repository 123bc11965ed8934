package io.appliance.lvm;

import java.util.List;

/** {@code vgextend POOL DEVICE...} over devices that are already PVs; without {@code -y} (see {@link VgCreate}). */
final class VgExtend {

    private VgExtend() {
    }

    static List<String> argv(Lvm2Commands lvm2, String pool, List<String> devices) {
        List<String> argv = lvm2.argv("vgextend");
        argv.add(pool);
        argv.addAll(devices);
        return argv;
    }

    static void run(Lvm2Commands lvm2, String pool, List<String> devices) throws LvmException {
        lvm2.run(argv(lvm2, pool, devices), pool);
    }
}
