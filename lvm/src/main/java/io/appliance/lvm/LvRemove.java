package io.appliance.lvm;

import java.util.List;

/**
 * {@code lvremove -y POOL/NAME}. {@code -y} answers lvm2's "remove active logical volume?"
 * prompt; an LV that is open (mounted, or held by a device) is still refused by lvm2.
 */
final class LvRemove {

    private LvRemove() {
    }

    static List<String> argv(Lvm2Commands lvm2, String pool, String volume) {
        List<String> argv = lvm2.argv("lvremove");
        argv.addAll(List.of("-y", pool + "/" + volume));
        return argv;
    }

    static void run(Lvm2Commands lvm2, String pool, String volume) throws LvmException {
        lvm2.run(argv(lvm2, pool, volume), pool);
    }
}
