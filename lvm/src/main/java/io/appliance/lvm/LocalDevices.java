package io.appliance.lvm;

import java.util.Optional;

/** What the node knows about a block device before lvm2 touches it. */
interface LocalDevices {

    boolean exists(String device);

    /** The device's canonical path (symlinks such as /dev/disk/by-id resolved), or the path itself. */
    String canonical(String device);

    /** Where it is in use outside lvm2 (a mount point, or "swap"), if anywhere. */
    Optional<String> useOutsideLvm(String device) throws LvmException;
}
