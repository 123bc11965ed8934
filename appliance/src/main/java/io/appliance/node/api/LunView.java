package io.appliance.node.api;

import io.appliance.node.runtime.LunState;

/**
 * A LUN as the API shows it.
 *
 * @param serial  VPD 80h unit serial number
 * @param naa     VPD 83h NAA designator, 32 hex digits
 * @param size    capacity in bytes
 * @param path    the backing file
 * @param online  false when the file could not be opened at start; {@code problem} says why
 */
public record LunView(int lun, String uuid, String serial, String naa, long size, int blockSize, String path,
        boolean readOnly, boolean online, String problem, String createdAt) {

    static LunView of(LunState state) {
        var record = state.record();
        return new LunView(record.lun(), record.uuid().toString(), state.identity().unitSerialNumber(),
                state.identity().naaHex(), record.sizeBytes(), record.blockSize(), record.backingFile().toString(),
                record.readOnly(), state.online(), state.problem().orElse(null), record.createdAt().toString());
    }
}
