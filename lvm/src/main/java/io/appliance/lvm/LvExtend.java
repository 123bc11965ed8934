package io.appliance.lvm;

import java.util.List;

/** {@code lvextend -l EXTENTS POOL/NAME}: grows the LV to that many extents in all. */
final class LvExtend {

    private LvExtend() {
    }

    static List<String> argv(Lvm2Commands lvm2, String pool, String volume, long extents) {
        List<String> argv = lvm2.argv("lvextend");
        argv.addAll(List.of("-l", Long.toString(extents), pool + "/" + volume));
        return argv;
    }

    static void run(Lvm2Commands lvm2, String pool, String volume, long extents) throws LvmException {
        lvm2.run(argv(lvm2, pool, volume, extents), pool);
    }
}
