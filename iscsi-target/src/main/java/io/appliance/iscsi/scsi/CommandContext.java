package io.appliance.iscsi.scsi;

import io.netty.buffer.ByteBuf;

/** One command on its way through a handler: the command, the unit it addresses, and the nexus. */
final class CommandContext {

    private final ScsiCommand command;
    private final LogicalUnit unit;
    private final NexusPort port;
    private long transferBytes;

    CommandContext(ScsiCommand command, LogicalUnit unit, NexusPort port) {
        this.command = command;
        this.unit = unit;
        this.port = port;
    }

    ScsiCommand command() {
        return command;
    }

    byte[] cdb() {
        return command.cdb();
    }

    /** The addressed unit; null only for the commands that answer for an absent unit (INQUIRY, REPORT LUNS, REQUEST SENSE). */
    LogicalUnit unit() {
        return unit;
    }

    NexusPort port() {
        return port;
    }

    ItNexus nexus() {
        return port.nexus();
    }

    NexusState nexusState() {
        return port.state();
    }

    ScsiTarget target() {
        return port.target();
    }

    /** The Data-Out the transport received; null when none. */
    ByteBuf dataOut() {
        return command.dataOut();
    }

    /**
     * Bytes of Data-Out the CDB asks for, recorded by handlers that take Data-Out so that an
     * error result still lets the transport compute the residual (RFC 7143 §11.4.5.1).
     */
    long transferBytes() {
        return transferBytes;
    }

    void transferBytes(long bytes) {
        this.transferBytes = bytes;
    }
}
