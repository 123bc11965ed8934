package io.appliance.lvm;

import java.util.List;

/**
 * {@code pvcreate DEVICE}. Deliberately without {@code -y}: when the device holds a filesystem or
 * partition signature, pvcreate asks whether to wipe it, reads end-of-file from the runner's
 * empty stdin, answers "no" and fails, which becomes {@link LvmException.Reason#DEVICE_IN_USE}.
 * The appliance never destroys data an operator did not explicitly wipe.
 */
final class PvCreate {

    private PvCreate() {
    }

    static List<String> argv(Lvm2Commands lvm2, String device) {
        List<String> argv = lvm2.argv("pvcreate");
        argv.add(device);
        return argv;
    }

    static void run(Lvm2Commands lvm2, String device) throws LvmException {
        lvm2.run(argv(lvm2, device), null);
    }
}
