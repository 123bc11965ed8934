package io.appliance.lvm;

/**
 * A physical volume as {@code pvs --reportformat json --units b} reports it.
 *
 * @param device       device path ({@code /dev/loop3})
 * @param vgName       its volume group, empty when it belongs to none
 * @param sizeBytes    PV size
 * @param freeBytes    unallocated bytes
 * @param peStartBytes offset of the first physical extent on the device
 */
public record PhysicalVolume(String device, String vgName, long sizeBytes, long freeBytes, long peStartBytes) {
}
