package io.appliance.lvm;

import java.util.List;

/** {@code lvrename POOL OLD NEW}. */
final class LvRename {

    private LvRename() {
    }

    static List<String> argv(Lvm2Commands lvm2, String pool, String volume, String newName) {
        List<String> argv = lvm2.argv("lvrename");
        argv.addAll(List.of(pool, volume, newName));
        return argv;
    }

    static void run(Lvm2Commands lvm2, String pool, String volume, String newName) throws LvmException {
        lvm2.run(argv(lvm2, pool, volume, newName), pool);
    }
}
