package io.appliance.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.appliance.node.runtime.LunState;
import io.appliance.node.store.LunBacking;

/**
 * A LUN as the API shows it.
 *
 * @param serial  VPD 80h unit serial number
 * @param naa     VPD 83h NAA designator, 32 hex digits
 * @param size    capacity in bytes
 * @param path    the backing file; null for a LUN on a volume
 * @param backing where the data lives
 * @param online  false when the file or volume could not be opened at start; {@code problem} says why
 */
public record LunView(int lun, String uuid, String serial, String naa, long size, int blockSize, String path,
        BackingView backing, boolean readOnly, boolean online, String problem, String createdAt) {

    /**
     * {@code {"type":"file","path":..}}, {@code {"type":"volume","pool":..,"volume":..,"access":..}} or
     * {@code {"type":"replicated","resource":..}}.
     *
     * @param access   how I/O reaches the volume ({@code device-node} or {@code extent-map}); null while offline
     * @param resource the replicated disk a {@code replicated} LUN serves
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BackingView(String type, String path, String pool, String volume, String access, String resource) {
    }

    static LunView of(LunState state) {
        var record = state.record();
        String path = record.backing() instanceof LunBacking.File file ? file.path().toString() : null;
        BackingView backing;
        if (record.backing() instanceof LunBacking.Volume volume) {
            backing = new BackingView(volume.kind(), null, volume.pool(), volume.volume(), state.volumeAccess().orElse(null), null);
        } else if (record.backing() instanceof LunBacking.Replicated replicated) {
            backing = new BackingView(replicated.kind(), null, null, null, null, replicated.resource());
        } else {
            backing = new BackingView(record.backing().kind(), path, null, null, null, null);
        }
        return new LunView(record.lun(), record.uuid().toString(), state.identity().unitSerialNumber(),
                state.identity().naaHex(), record.sizeBytes(), record.blockSize(), path, backing,
                record.readOnly(), state.online(), state.problem().orElse(null), record.createdAt().toString());
    }
}
