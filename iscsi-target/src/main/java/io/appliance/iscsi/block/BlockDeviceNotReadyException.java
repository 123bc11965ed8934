package io.appliance.iscsi.block;

import java.io.IOException;

/**
 * A request failed because the device cannot serve I/O on this node right now, though the medium
 * itself is fine: a replicated disk in the Secondary role, for example. The SCSI layer answers
 * NOT READY, LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE (SPC-4 04h/0Bh), which
 * multipath initiators treat as "try another path", rather than a MEDIUM ERROR.
 */
public final class BlockDeviceNotReadyException extends IOException {
    private static final long serialVersionUID = 1L;

    public BlockDeviceNotReadyException(String message) {
        super(message);
    }
}
