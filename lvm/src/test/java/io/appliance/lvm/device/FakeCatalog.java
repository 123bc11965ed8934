package io.appliance.lvm.device;

import io.appliance.lvm.LogicalVolume;
import io.appliance.lvm.LvmException;
import io.appliance.lvm.PhysicalVolume;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-set answer to what lvm2 would report, for unit tests; fields may change between calls. */
final class FakeCatalog implements VolumeCatalog {

    volatile boolean deviceMapper;
    volatile long extentSizeBytes;
    volatile LogicalVolume volume;
    volatile List<PhysicalVolume> physicalVolumes = List.of();
    final AtomicInteger volumeLookups = new AtomicInteger();

    FakeCatalog(long extentSizeBytes) {
        this.extentSizeBytes = extentSizeBytes;
    }

    @Override
    public boolean deviceMapperAvailable() {
        return deviceMapper;
    }

    @Override
    public LogicalVolume volume(String pool, String name) throws LvmException {
        volumeLookups.incrementAndGet();
        LogicalVolume current = volume;
        if (current == null || !current.vgName().equals(pool) || !current.name().equals(name)) {
            throw new LvmException(LvmException.Reason.NOT_FOUND, "volume " + pool + "/" + name + " does not exist");
        }
        return current;
    }

    @Override
    public long extentSizeBytes(String pool) {
        return extentSizeBytes;
    }

    @Override
    public List<PhysicalVolume> physicalVolumes() {
        return physicalVolumes;
    }
}
