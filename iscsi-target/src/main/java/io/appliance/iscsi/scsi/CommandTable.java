package io.appliance.iscsi.scsi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The dispatch table: operation code (and service action for 9Eh/A3h) → {@link CommandDescriptor}.
 * Immutable once built; {@link StandardCommands} builds the one this device server uses.
 */
final class CommandTable {

    private static final int SERVICE_ACTIONS = 32;

    /** By opcode; null where the opcode is a service-action family or unsupported. */
    private final CommandDescriptor[] byOpcode = new CommandDescriptor[256];
    /** By opcode then service action, for opcodes with service actions. */
    private final CommandDescriptor[][] byServiceAction = new CommandDescriptor[256][];
    private final List<CommandDescriptor> all;

    CommandTable(List<CommandDescriptor> descriptors) {
        List<CommandDescriptor> sorted = new ArrayList<>(descriptors);
        sorted.sort((a, b) -> a.opcode() != b.opcode()
                ? Integer.compare(a.opcode(), b.opcode())
                : Integer.compare(a.serviceAction(), b.serviceAction()));
        for (CommandDescriptor d : sorted) {
            if (d.hasServiceAction()) {
                if (byOpcode[d.opcode()] != null) {
                    throw new IllegalArgumentException("opcode " + d.opcode() + " registered with and without service action");
                }
                CommandDescriptor[] actions = byServiceAction[d.opcode()];
                if (actions == null) {
                    actions = new CommandDescriptor[SERVICE_ACTIONS];
                    byServiceAction[d.opcode()] = actions;
                }
                if (actions[d.serviceAction()] != null) {
                    throw new IllegalArgumentException("duplicate registration of " + d.name());
                }
                actions[d.serviceAction()] = d;
            } else {
                if (byOpcode[d.opcode()] != null || byServiceAction[d.opcode()] != null) {
                    throw new IllegalArgumentException("duplicate registration of " + d.name());
                }
                byOpcode[d.opcode()] = d;
            }
        }
        this.all = Collections.unmodifiableList(sorted);
    }

    /** Every supported command, by opcode then service action (REPORT SUPPORTED OPERATION CODES order). */
    List<CommandDescriptor> all() {
        return all;
    }

    /** True when the opcode is a family of service actions (SERVACTV in REPORT SUPPORTED OPERATION CODES). */
    boolean hasServiceActions(int opcode) {
        return byServiceAction[opcode & 0xFF] != null;
    }

    /** The command for this CDB, or null when unsupported. */
    CommandDescriptor find(byte[] cdb) {
        int opcode = cdb[0] & 0xFF;
        CommandDescriptor[] actions = byServiceAction[opcode];
        if (actions == null) {
            return byOpcode[opcode];
        }
        return cdb.length > 1 ? actions[cdb[1] & 0x1F] : null;
    }

    CommandDescriptor find(int opcode, int serviceAction) {
        CommandDescriptor[] actions = byServiceAction[opcode & 0xFF];
        if (actions == null) {
            return serviceAction == 0 || serviceAction == -1 ? byOpcode[opcode & 0xFF] : null;
        }
        return serviceAction >= 0 && serviceAction < SERVICE_ACTIONS ? actions[serviceAction] : null;
    }

    /**
     * The error for a CDB {@link #find} did not know: an unknown opcode is INVALID COMMAND
     * OPERATION CODE; an unknown service action of a known family is INVALID FIELD IN CDB pointing
     * at the SERVICE ACTION field (SPC-4 §4.2.5.1, what libiscsi accepts for 9Eh/A3h).
     */
    SenseException unsupported(byte[] cdb) {
        int opcode = cdb[0] & 0xFF;
        if (byServiceAction[opcode] != null) {
            return SenseException.invalidFieldInCdb(1, 4);
        }
        return SenseException.invalidOpcode(opcode);
    }

    /**
     * Checks the CDB against the command's usage data: long enough, no bit set that the command
     * does not use (reserved, obsolete or an unsupported option), NACA 0 in CONTROL (this device
     * server has no ACA, SAM-5 §5.9.1.1).
     */
    static void validate(CommandDescriptor command, byte[] cdb) throws SenseException {
        int length = command.cdbLength();
        if (cdb.length < length) {
            throw SenseException.invalidFieldInCdb(0, -1);
        }
        int control = length - 1;
        if ((cdb[control] & 0x04) != 0) {
            throw SenseException.invalidFieldInCdb(control, 2);
        }
        for (int i = 1; i < length; i++) {
            int unexpected = cdb[i] & ~command.allowedBits(i) & 0xFF;
            if (unexpected != 0) {
                throw SenseException.invalidFieldInCdb(i, 31 - Integer.numberOfLeadingZeros(unexpected));
            }
        }
    }
}
