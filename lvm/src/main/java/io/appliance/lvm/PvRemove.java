package io.appliance.lvm;

import java.util.List;

/** {@code pvremove DEVICE}: only used to undo a {@link PvCreate} when the pool change that needed it failed. */
final class PvRemove {

    private PvRemove() {
    }

    static List<String> argv(Lvm2Commands lvm2, String device) {
        List<String> argv = lvm2.argv("pvremove");
        argv.add(device);
        return argv;
    }

    static void run(Lvm2Commands lvm2, String device) throws LvmException {
        lvm2.run(argv(lvm2, device), null);
    }
}
