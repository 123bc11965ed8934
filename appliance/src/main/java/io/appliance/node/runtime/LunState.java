package io.appliance.node.runtime;

import io.appliance.iscsi.scsi.LunIdentity;
import io.appliance.node.store.LunRecord;
import java.util.Optional;

/**
 * A LUN as the node serves it.
 *
 * @param identity     what INQUIRY reports (serial number, NAA identifier), derived from the UUID
 * @param problem      why the LUN is offline (its file or volume is missing or unreadable); empty
 *                     when it is served
 * @param volumeAccess for a served volume LUN, how its I/O reaches the volume
 *                     ({@code device-node} or {@code extent-map}); empty otherwise
 */
public record LunState(LunRecord record, LunIdentity identity, Optional<String> problem, Optional<String> volumeAccess) {

    public boolean online() {
        return problem.isEmpty();
    }
}
