package io.appliance.lvm.device;

import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.Lvm;
import io.appliance.lvm.LvmException;
import io.appliance.lvm.PhysicalVolume;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link LogicalVolumeDevice} asks lvm2: the node's {@link Lvm} facade in production, a
 * fake in unit tests. Every call may run an lvm2 command and block for its timeout; none is made
 * on the I/O path.
 */
interface VolumeCatalog {

    /** True when the kernel has device-mapper, so that active volumes have device nodes. */
    boolean deviceMapperAvailable();

    /** @throws LvmException NOT_FOUND when the pool or the volume does not exist */
    LogicalVolume volume(String pool, String volume) throws LvmException;

    /** @throws LvmException NOT_FOUND when the pool does not exist */
    long extentSizeBytes(String pool) throws LvmException;

    /** Every physical volume of the node, for their {@code pe_start}. */
    List<PhysicalVolume> physicalVolumes() throws LvmException;

    static VolumeCatalog of(Lvm lvm) {
        Objects.requireNonNull(lvm, "lvm");
        return new VolumeCatalog() {
            @Override
            public boolean deviceMapperAvailable() {
                return lvm.deviceMapperAvailable();
            }

            @Override
            public LogicalVolume volume(String pool, String volume) throws LvmException {
                return lvm.volume(pool, volume).orElseThrow(() -> new LvmException(LvmException.Reason.NOT_FOUND,
                        "volume " + pool + "/" + volume + " does not exist; list the pool's volumes with `lvs " + pool + "`"));
            }

            @Override
            public long extentSizeBytes(String pool) throws LvmException {
                return lvm.pool(pool).orElseThrow(() -> new LvmException(LvmException.Reason.NOT_FOUND,
                        "pool " + pool + " does not exist; list the pools with `vgs`")).extentSizeBytes();
            }

            @Override
            public List<PhysicalVolume> physicalVolumes() throws LvmException {
                return lvm.physicalVolumes();
            }
        };
    }
}
