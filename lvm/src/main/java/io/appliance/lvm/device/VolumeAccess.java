package io.appliance.lvm.device;

/**
 * How a logical volume is opened as a block device.
 */
public enum VolumeAccess {
    /** {@link #DEVICE_NODE} when the node has device-mapper and the volume is active, else {@link #EXTENT_MAP}. */
    AUTO,
    /** I/O on the activated device node ({@code /dev/vg/lv}); needs device-mapper. */
    DEVICE_NODE,
    /**
     * I/O directly on the physical volumes, at the offsets the volume's segment map gives
     * ({@code pe_start + physical extent * extent size}); works without device-mapper, on inactive volumes.
     */
    EXTENT_MAP
}
